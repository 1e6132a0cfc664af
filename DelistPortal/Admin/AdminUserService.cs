using System.Security.Claims;
using Microsoft.AspNetCore.Identity;

namespace DelistPortal.Admin;

/// <summary>Admins add other admins and viewers. A scope (and so a DbContext) per operation, never one per circuit.</summary>
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
                user.LockoutEnd is { } end && end > time.GetUtcNow(), user.AccessFailedCount));
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
}

public sealed record AdminUserRow(string Id, string UserName, string? Email, string Role, bool LockedOut, int FailedAttempts);
