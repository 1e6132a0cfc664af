using System.Security.Cryptography;
using System.Text;
using DelistPortal.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace DelistPortal.Admin;

/// <summary>
/// There is no default account. While no admin exists, the portal logs one setup link at start-up: a random token
/// (256 bits) valid for one hour that creates the first admin, once. Only the token's SHA-256 is kept, in memory;
/// a restart issues a new link.
/// </summary>
public sealed class FirstAdminSetup(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<PortalOptions> portal,
    ILogger<FirstAdminSetup> logger)
{
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromHours(1);

    private readonly Lock _lock = new();
    private byte[]? _tokenHash;
    private DateTimeOffset _expiresAt;

    /// <summary>Makes sure both roles exist; if no admin does, issues a setup token and logs its link.</summary>
    public async Task AnnounceIfNeededAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in AdminRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>();
        if ((await users.GetUsersInRoleAsync(AdminRoles.Admin)).Count > 0)
        {
            return;
        }
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        lock (_lock)
        {
            _tokenHash = Hash(token);
            _expiresAt = time.GetUtcNow() + LinkLifetime;
        }
        var link = new Uri(portal.Value.GetPublicBaseUri(), $"admin/setup?token={token}");
        // The one place the token is ever written: the operator needs the link. It works once, for one hour.
        logger.LogWarning("No admin account exists. Create the first one within an hour (the link works once): {SetupLink}", link.AbsoluteUri);
    }

    /// <summary>Whether a token is the current, unexpired setup token. Compared in constant time.</summary>
    public bool IsValid(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return false;
        }
        lock (_lock)
        {
            return _tokenHash is not null && time.GetUtcNow() < _expiresAt &&
                   CryptographicOperations.FixedTimeEquals(_tokenHash, Hash(token));
        }
    }

    /// <summary>Creates the first admin with the setup token, which then stops working.</summary>
    public async Task<SetupResult> CreateFirstAdminAsync(string? token, string userName, string email, string password)
    {
        lock (_lock)
        {
            if (!IsValid(token))
            {
                return new SetupResult(false, ["SetupLinkInvalid"]);
            }
            // Single use, even if two forms race: the second sees no token.
            _tokenHash = null;
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>();
        if ((await users.GetUsersInRoleAsync(AdminRoles.Admin)).Count > 0)
        {
            return new SetupResult(false, ["SetupLinkInvalid"]);
        }
        var user = new AdminUser { UserName = userName.Trim(), Email = email.Trim(), CreatedAt = time.GetUtcNow() };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            // Let the operator correct the form with the same link.
            lock (_lock)
            {
                _tokenHash = Hash(token!);
            }
            return new SetupResult(false, created.Errors.Select(e => e.Description).ToList());
        }
        await users.AddToRoleAsync(user, AdminRoles.Admin);
        logger.LogInformation("The first admin account {UserName} was created through the setup link", user.UserName);
        return new SetupResult(true, []);
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}

public sealed record SetupResult(bool Succeeded, IReadOnlyList<string> Errors);

/// <summary>Announces the setup link once the app has started (after the migrations ran).</summary>
internal sealed class FirstAdminSetupNotice(FirstAdminSetup setup) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => setup.AnnounceIfNeededAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
