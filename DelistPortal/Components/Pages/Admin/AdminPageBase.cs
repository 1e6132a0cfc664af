using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace DelistPortal.Components.Pages.Admin;

/// <summary>What every admin page needs: the signed-in caller (passed to the services, which check the role) and the client address.</summary>
public abstract class AdminPageBase : ComponentBase
{
    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    [CascadingParameter(Name = "ClientAddress")] protected string? ClientAddress { get; set; }

    protected ClaimsPrincipal Caller { get; private set; } = new();

    protected bool CanWrite => DelistPortal.Admin.AdminAccess.CanWrite(Caller);

    protected override async Task OnInitializedAsync()
    {
        if (AuthenticationState is not null)
        {
            Caller = (await AuthenticationState).User;
        }
        await OnCallerKnownAsync();
    }

    /// <summary>Runs once <see cref="Caller"/> is set, instead of OnInitializedAsync.</summary>
    protected virtual Task OnCallerKnownAsync() => Task.CompletedTask;
}
