using System.Security.Cryptography;
using System.Text;
using DelistPortal.Data;
using DelistPortal.Portal;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DelistPortal.Admin;

/// <summary>
/// There is no default account. While no admin exists, each portal process logs one setup link at start-up: a random
/// token (256 bits) valid for one hour that creates the first admin, once. Only the token's SHA-256 is kept, in the
/// database, so a link logged by one process works on every process; the first admin created consumes every link.
/// </summary>
public sealed class FirstAdminSetup(
    IServiceScopeFactory scopes,
    IDbContextFactory<PortalDbContext> dbFactory,
    TimeProvider time,
    IOptions<PortalOptions> portal,
    ILogger<FirstAdminSetup> logger)
{
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromHours(1);

    /// <summary>Makes sure both roles exist; if no admin does, issues a setup token and logs its link.</summary>
    public async Task AnnounceIfNeededAsync(CancellationToken cancellationToken = default)
    {
        foreach (var role in AdminRoles.All)
        {
            await EnsureRoleAsync(role);
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>();
        if ((await users.GetUsersInRoleAsync(AdminRoles.Admin)).Count > 0)
        {
            return;
        }
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            await db.AdminSetupTokens.Where(t => t.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
            db.AdminSetupTokens.Add(new AdminSetupToken { TokenHash = Hash(token), ExpiresAt = now + LinkLifetime });
            await db.SaveChangesAsync(cancellationToken);
        }
        var link = new Uri(portal.Value.GetPublicBaseUri(), $"admin/setup?token={token}");
        // The one place the token is ever written: the operator needs the link. It works once, for one hour.
        logger.LogWarning("No admin account exists. Create the first one within an hour (the link works once): {SetupLink}", link.AbsoluteUri);
    }

    /// <summary>
    /// Whether a token is an issued, unexpired setup token. The database compares SHA-256 hashes of a 256-bit random
    /// token, so the time the comparison takes tells an attacker nothing useful.
    /// </summary>
    public async Task<bool> IsValidAsync(string? token)
    {
        if (!IsWellFormed(token))
        {
            return false;
        }
        var hash = Hash(token!);
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.AdminSetupTokens.AnyAsync(t => t.TokenHash == hash && t.ExpiresAt > now);
    }

    /// <summary>Creates the first admin with the setup token; then no setup link works any more.</summary>
    public async Task<SetupResult> CreateFirstAdminAsync(string? token, string userName, string email, string password)
    {
        if (!IsWellFormed(token))
        {
            return new SetupResult(false, ["SetupLinkInvalid"]);
        }
        var hash = Hash(token!);
        var now = time.GetUtcNow();
        DateTimeOffset expiresAt;
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            var issued = await db.AdminSetupTokens.Where(t => t.TokenHash == hash && t.ExpiresAt > now).Select(t => (DateTimeOffset?)t.ExpiresAt).FirstOrDefaultAsync();
            // Single use across processes and racing forms: one statement takes every link; a second finds none.
            if (issued is null || await db.AdminSetupTokens.ExecuteDeleteAsync() == 0)
            {
                return new SetupResult(false, ["SetupLinkInvalid"]);
            }
            expiresAt = issued.Value;
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>();
        if ((await users.GetUsersInRoleAsync(AdminRoles.Admin)).Count > 0)
        {
            return new SetupResult(false, ["SetupLinkInvalid"]);
        }
        var user = new AdminUser { UserName = userName.Trim(), Email = email.Trim(), CreatedAt = now };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            // Let the operator correct the form with the same link.
            await using var db = await dbFactory.CreateDbContextAsync();
            db.AdminSetupTokens.Add(new AdminSetupToken { TokenHash = hash, ExpiresAt = expiresAt });
            await db.SaveChangesAsync();
            return new SetupResult(false, created.Errors.Select(e => e.Description).ToList());
        }
        await users.AddToRoleAsync(user, AdminRoles.Admin);
        logger.LogInformation("The first admin account {UserName} was created through the setup link", user.UserName);
        return new SetupResult(true, []);
    }

    /// <summary>
    /// Creates the role unless it exists. Hosts starting together may both find it missing and both insert it: the
    /// loser's unique-name error is expected, and the winner's row, committed by then, is read again. Each attempt has
    /// its own scope: a failed insert stays tracked by its context, whose next save (the next role's) repeated it and
    /// failed too — "The role Viewer could not be created" on a start beside another host.
    /// </summary>
    private async Task EnsureRoleAsync(string role)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
            if (await roles.RoleExistsAsync(role))
            {
                return;
            }
            try
            {
                if ((await roles.CreateAsync(new IdentityRole(role))).Succeeded)
                {
                    return;
                }
            }
            catch (DbUpdateException ex) when (PortalDbContext.IsUniqueViolation(ex))
            {
                // Another host created it meanwhile.
            }
        }
        await using var again = scopes.CreateAsyncScope();
        if (!await again.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>().RoleExistsAsync(role))
        {
            throw new InvalidOperationException($"The role {role} could not be created.");
        }
    }

    private static bool IsWellFormed(string? token) => !string.IsNullOrEmpty(token) && token.Length <= 100;

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}

public sealed record SetupResult(bool Succeeded, IReadOnlyList<string> Errors);

/// <summary>Announces the setup link once the app has started (after the migrations ran).</summary>
internal sealed class FirstAdminSetupNotice(FirstAdminSetup setup) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => setup.AnnounceIfNeededAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
