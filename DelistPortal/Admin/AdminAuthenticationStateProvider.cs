using DelistPortal.Portal;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace DelistPortal.Admin;

/// <summary>
/// A circuit lives for minutes or hours: every five minutes the signed-in user's security stamp is compared with the
/// database, so a removed account or a changed password ends the admin session on open pages too. When an admin
/// removes an account or changes its role here (<see cref="AccountChanges"/>), that account's circuits check at once.
/// </summary>
internal sealed class AdminAuthenticationStateProvider : RevalidatingServerAuthenticationStateProvider
{
    private readonly IServiceScopeFactory _scopes;
    private readonly IOptions<IdentityOptions> _options;
    private readonly IDisposable _subscription;

    public AdminAuthenticationStateProvider(
        ILoggerFactory loggerFactory,
        IServiceScopeFactory scopes,
        IOptions<IdentityOptions> options,
        AccountChanges changes) : base(loggerFactory)
    {
        _scopes = scopes;
        _options = options;
        _subscription = changes.Subscribe(AccountChangedAsync);
    }

    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(5);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken cancellationToken)
    {
        if (state.User.Identity?.IsAuthenticated != true)
        {
            return true;
        }
        await using var scope = _scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>();
        var user = await users.GetUserAsync(state.User);
        if (user is null)
        {
            return false;
        }
        var principalStamp = state.User.FindFirstValue(_options.Value.ClaimsIdentity.SecurityStampClaimType);
        return !users.SupportsUserSecurityStamp || principalStamp == await users.GetSecurityStampAsync(user);
    }

    private async Task AccountChangedAsync(string userId)
    {
        var state = await GetAuthenticationStateAsync();
        if (state.User.FindFirstValue(_options.Value.ClaimsIdentity.UserIdClaimType) != userId)
        {
            return;
        }
        if (!await ValidateAuthenticationStateAsync(state, CancellationToken.None))
        {
            // What the base class does when its periodic check fails: the circuit continues signed out.
            SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()))));
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _subscription.Dispose();
        }
        base.Dispose(disposing);
    }
}
