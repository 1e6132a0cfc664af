using DelistPortal.Components.Shared;
using DelistPortal.Admin;
using MudBlazor;

namespace DelistPortal.Components.Pages.Admin;

/// <summary>The accounts page: list, add, unlock, change role, remove. The rules are in <see cref="AdminUserService"/>.</summary>
public partial class Users
{
    private IReadOnlyList<AdminUserRow>? _users;
    private string? _userName;
    private string? _email;
    private string? _password;
    private string _role = AdminRoles.Viewer;
    private IReadOnlyList<string> _errors = [];
    private string? _message;
    private bool _busy;

    protected override async Task OnCallerKnownAsync() => _users = await Accounts.ListAsync(Caller);

    /// <summary>
    /// The only Admin can neither become a Viewer nor be removed (the service refuses it: nobody would be left to run
    /// the list), so neither is offered.
    /// </summary>
    private bool IsOnlyAdmin(AdminUserRow user) =>
        user.Role == AdminRoles.Admin && _users?.Count(u => u.Role == AdminRoles.Admin) == 1;

    private bool IsCaller(AdminUserRow user) => string.Equals(user.UserName, Caller.Identity?.Name, StringComparison.OrdinalIgnoreCase);

    private async Task CreateAsync()
    {
        if (string.IsNullOrWhiteSpace(_userName) || !Delisting.EmailAddressInput.Parse(_email).IsValid || !AdminPassword.IsAcceptable(_password))
        {
            _errors = [L["Setup_FormInvalid"].Value];
            return;
        }
        var result = await Accounts.CreateAsync(Caller, _userName, _email!, _password!, _role);
        _errors = result.Errors;
        if (result.Succeeded)
        {
            (_userName, _email, _password) = (null, null, null);
            _users = await Accounts.ListAsync(Caller);
        }
    }

    private async Task UnlockAsync(string id)
    {
        await Accounts.UnlockAsync(Caller, id);
        _users = await Accounts.ListAsync(Caller);
    }

    private async Task ChangeRoleAsync(AdminUserRow user)
    {
        var role = user.Role == AdminRoles.Admin ? AdminRoles.Viewer : AdminRoles.Admin;
        // Giving up one's own Admin role signs one out at once: ask first.
        if (IsCaller(user) && role == AdminRoles.Viewer && !await ConfirmAsync(
                L["Users_DemoteSelfTitle"], L["Users_DemoteSelfConfirm"], L["Users_DemoteSelfButton"]))
        {
            return;
        }
        await RunAsync(user, () => Accounts.ChangeRoleAsync(Caller, user.Id, user.Stamp, role), L["Users_RoleChanged", user.UserName, AdminText.Role(L, role)]);
    }

    private async Task RemoveAsync(AdminUserRow user)
    {
        if (await ConfirmAsync(L["Users_RemoveTitle", user.UserName], L["Users_RemoveConfirm", user.UserName], L["Users_RemoveButton"]))
        {
            await RunAsync(user, () => Accounts.RemoveAsync(Caller, user.Id, user.Stamp), L["Users_Removed", user.UserName]);
        }
    }

    private async Task<bool> ConfirmAsync(string title, string message, string yes) =>
        await Dialogs.ShowMessageBoxAsync(title, message, yesText: yes, cancelText: L["Button_Cancel"], options: AdminDialogs.Options) == true;

    /// <summary>Makes the change, says how it went, and reloads the list either way (after a conflict the admin sees the other admin's change).</summary>
    private async Task RunAsync(AdminUserRow user, Func<Task<AccountChangeResult>> change, string done)
    {
        if (_busy)
        {
            return;
        }
        (_busy, _message) = (true, null);
        try
        {
            var result = await change();
            _message = result.Outcome switch
            {
                AccountChangeOutcome.Done => null,
                AccountChangeOutcome.LastAdmin => L["Users_LastAdmin", user.UserName].Value,
                AccountChangeOutcome.OwnAccount => L["Users_OwnAccount"].Value,
                AccountChangeOutcome.Conflict => L["Users_Conflict", user.UserName].Value,
                AccountChangeOutcome.NotFound => L["Users_NotFound", user.UserName].Value,
                _ => L["Users_ChangeFailed", user.UserName].Value,
            };
            if (result.Succeeded)
            {
                Snackbar.Add(done, Severity.Success);
            }
            _users = await Accounts.ListAsync(Caller);
        }
        catch (AdminAccessDeniedException)
        {
            _message = L["Admin_AccessDenied"];
        }
        finally
        {
            _busy = false;
        }
    }
}
