using DelistPortal.Portal;
using System.Security.Claims;
using DelistPortal.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Admin;

/// <summary>
/// Admins add, re-role, unlock and remove accounts. A scope (and so a DbContext) per operation, never one per circuit.
/// Accounts have no history table (the history is of listings): each change is a log line with who made it.
/// </summary>
public sealed class AdminUserService(IServiceScopeFactory scopes, TimeProvider time, ILogger<AdminUserService> logger)
{
    public async Task<IReadOnlyList<AdminUserRow>> ListAsync(ClaimsPrincipal caller)
    {
        AdminAccess.RequireReader(caller);
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>();
        var rows = new List<AdminUserRow>();
        foreach (var user in users.Users.OrderBy(u => u.UserName).ToList())
        {
            var roles = await users.GetRolesAsync(user);
            rows.Add(new AdminUserRow(user.Id, user.UserName!, user.Email, roles.FirstOrDefault() ?? "",
                user.LockoutEnd is { } end && end > time.GetUtcNow(), user.AccessFailedCount, user.SecurityStamp ?? ""));
        }
        return rows;
    }

    public async Task<SetupResult> CreateAsync(ClaimsPrincipal caller, string userName, string email, string password, string role)
    {
        var actor = AdminAccess.RequireWriter(caller);
        if (!AdminRoles.All.Contains(role))
        {
            return new SetupResult(false, ["UnknownRole"]);
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>();
        var user = new AdminUser { UserName = userName.Trim(), Email = email.Trim(), CreatedAt = time.GetUtcNow() };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            return new SetupResult(false, created.Errors.Select(e => e.Description).ToList());
        }
        await users.AddToRoleAsync(user, role);
        logger.LogInformation("{Actor} added the {Role} account {UserName}", actor.Name, role, user.UserName);
        return new SetupResult(true, []);
    }

    /// <summary>Lifts a lockout before it ends by itself.</summary>
    public async Task UnlockAsync(ClaimsPrincipal caller, string userId)
    {
        var actor = AdminAccess.RequireWriter(caller);
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>();
        if (await users.FindByIdAsync(userId) is { } user)
        {
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
            logger.LogInformation("{Actor} unlocked {UserName}", actor.Name, user.UserName);
        }
    }

    /// <summary>
    /// Gives an account the other role. <paramref name="expectedStamp"/> is the account's <see cref="AdminUserRow.Stamp"/>
    /// as the admin saw it: if anyone changed the account since, nothing is changed. The last admin keeps the role. The
    /// account's security stamp is renewed, so its open sessions end and its next sign-in carries the new role.
    /// </summary>
    public Task<AccountChangeResult> ChangeRoleAsync(ClaimsPrincipal caller, string userId, string expectedStamp, string role)
    {
        var actor = AdminAccess.RequireWriter(caller);
        if (!AdminRoles.All.Contains(role))
        {
            return Task.FromResult(new AccountChangeResult(AccountChangeOutcome.UnknownRole));
        }
        return ChangeAsync(actor, userId, expectedStamp, async (users, target, roles) =>
        {
            if (roles.SequenceEqual([role]))
            {
                return (IdentityResult.Success, null);
            }
            if (roles.Contains(AdminRoles.Admin) && await AdminCountAsync(users) <= 1)
            {
                return (null, AccountChangeOutcome.LastAdmin);
            }
            var result = await users.RemoveFromRolesAsync(target, roles);
            result = result.Succeeded ? await users.AddToRoleAsync(target, role) : result;
            result = result.Succeeded ? await users.UpdateSecurityStampAsync(target) : result;
            if (result.Succeeded)
            {
                logger.LogInformation("{Actor} changed the role of {UserName} from {OldRole} to {NewRole}",
                    actor.Name, target.UserName, string.Join(", ", roles), role);
            }
            return (result, null);
        });
    }

    /// <summary>
    /// Deletes an account (and its role), unless it is the last admin or the caller's own. Checked against the
    /// stamp the admin saw. A deleted account fails its sessions' next check.
    /// </summary>
    public Task<AccountChangeResult> RemoveAsync(ClaimsPrincipal caller, string userId, string expectedStamp)
    {
        var actor = AdminAccess.RequireWriter(caller);
        return ChangeAsync(actor, userId, expectedStamp, async (users, target, roles) =>
        {
            if (roles.Contains(AdminRoles.Admin) && await AdminCountAsync(users) <= 1)
            {
                return (null, AccountChangeOutcome.LastAdmin);
            }
            if (string.Equals(target.UserName, actor.Name, StringComparison.OrdinalIgnoreCase))
            {
                return (null, AccountChangeOutcome.OwnAccount);
            }
            var result = await users.DeleteAsync(target);
            if (result.Succeeded)
            {
                logger.LogInformation("{Actor} removed the {Role} account {UserName}", actor.Name, string.Join(", ", roles), target.UserName);
            }
            return (result, null);
        });
    }

    private delegate Task<(IdentityResult? Result, AccountChangeOutcome? Refused)> AccountChange(
        UserManager<AdminUser> users, AdminUser target, IList<string> roles);

    /// <summary>
    /// The common part of a role change and a removal, in one transaction. SQLite's transactions take the write lock
    /// at once (BEGIN IMMEDIATE), so two admins changing accounts at the same moment run one after the other: the
    /// second sees the first's change (a new security stamp, one admin fewer) and is refused, never half-applied.
    /// </summary>
    private async Task<AccountChangeResult> ChangeAsync(Portal.Actor actor, string userId, string expectedStamp, AccountChange change)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();

        // The role in the caller's cookie may be minutes old: the account must still exist and still be an admin.
        if (await users.FindByNameAsync(actor.Name) is not { } acting || !await users.IsInRoleAsync(acting, AdminRoles.Admin))
        {
            throw new AdminAccessDeniedException("Only an admin may change accounts.");
        }
        if (await users.FindByIdAsync(userId) is not { } target)
        {
            return new AccountChangeResult(AccountChangeOutcome.NotFound);
        }
        if (target.SecurityStamp != expectedStamp)
        {
            return new AccountChangeResult(AccountChangeOutcome.Conflict, target.UserName);
        }
        var roles = await users.GetRolesAsync(target);
        var (result, refused) = await change(users, target, roles);
        if (refused is { } outcome)
        {
            return new AccountChangeResult(outcome, target.UserName);
        }
        if (!result!.Succeeded)
        {
            // Identity's own check of the concurrency stamp on save; other errors are not expected here.
            var concurrency = result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure));
            if (!concurrency)
            {
                logger.LogWarning("Changing the account {UserName} failed: {Errors}", target.UserName, string.Join("; ", result.Errors.Select(e => e.Code)));
            }
            return new AccountChangeResult(concurrency ? AccountChangeOutcome.Conflict : AccountChangeOutcome.Failed, target.UserName);
        }
        // The commit writes the change log (a trigger), which tells this process's open circuits and every other
        // process's at once.
        await transaction.CommitAsync();
        return new AccountChangeResult(AccountChangeOutcome.Done, target.UserName);
    }

    private static async Task<int> AdminCountAsync(UserManager<AdminUser> users) => (await users.GetUsersInRoleAsync(AdminRoles.Admin)).Count;
}

/// <param name="Stamp">
/// The account's security stamp, which a role change or a new password renews: what an admin's decision was based on.
/// Not Identity's concurrency stamp, which every failed sign-in of the account also renews.
/// </param>
public sealed record AdminUserRow(string Id, string UserName, string? Email, string Role, bool LockedOut, int FailedAttempts, string Stamp);

public enum AccountChangeOutcome
{
    Done,
    /// <summary>The account no longer exists (another admin removed it).</summary>
    NotFound,
    /// <summary>Someone changed the account since the admin's page read it: reload, then decide again.</summary>
    Conflict,
    /// <summary>The account is the only admin: demoting or removing it would leave nobody to run the list.</summary>
    LastAdmin,
    /// <summary>An admin may not remove their own account; another admin can.</summary>
    OwnAccount,
    UnknownRole,
    Failed,
}

public sealed record AccountChangeResult(AccountChangeOutcome Outcome, string? UserName = null)
{
    public bool Succeeded => Outcome == AccountChangeOutcome.Done;
}
