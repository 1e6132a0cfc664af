using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace DelistPortal.Admin;

/// <summary>
/// A circuit lives for minutes or hours: every five minutes the signed-in user's security stamp is compared with the
/// database, so a removed account or a changed password ends the admin session on open pages too.
/// </summary>
internal sealed class AdminAuthenticationStateProvider(
    ILoggerFactory loggerFactory,
    IServiceScopeFactory scopes,
    IOptions<IdentityOptions> options) : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(5);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken cancellationToken)
    {
        if (state.User.Identity?.IsAuthenticated != true)
        {
            return true;
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>();
        var user = await users.GetUserAsync(state.User);
        if (user is null)
        {
            return false;
        }
        var principalStamp = state.User.FindFirstValue(options.Value.ClaimsIdentity.SecurityStampClaimType);
        return !users.SupportsUserSecurityStamp || principalStamp == await users.GetSecurityStampAsync(user);
    }
}
