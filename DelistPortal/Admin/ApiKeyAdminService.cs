using System.Security.Claims;
using DelistPortal.Api;

namespace DelistPortal.Admin;

/// <summary>API keys as the admin area manages them: anyone signed in may see them, only an Admin creates or revokes.</summary>
public sealed class ApiKeyAdminService(ApiKeyService keys, ILogger<ApiKeyAdminService> logger)
{
    public Task<IReadOnlyList<ApiKey>> ListAsync(ClaimsPrincipal caller, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        return keys.ListAsync(cancellationToken);
    }

    /// <summary>Creates a key; the returned secret is shown once and never stored.</summary>
    public async Task<CreatedApiKey> CreateAsync(ClaimsPrincipal caller, string name, IReadOnlyCollection<string> scopes, CancellationToken cancellationToken = default)
    {
        var actor = AdminAccess.RequireWriter(caller);
        var created = await keys.CreateAsync(name, scopes, cancellationToken);
        logger.LogInformation("{Admin} created API key {Id} ({Name})", actor.Name, created.Key.Id, created.Key.Name);
        return created;
    }

    public async Task<bool> RevokeAsync(ClaimsPrincipal caller, int id, CancellationToken cancellationToken = default)
    {
        var actor = AdminAccess.RequireWriter(caller);
        var revoked = await keys.RevokeAsync(id, cancellationToken);
        logger.LogInformation("{Admin} revoked API key {Id}: {Revoked}", actor.Name, id, revoked);
        return revoked;
    }
}
