using System.Security.Cryptography;
using System.Text;
using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Api;

public enum ApiKeyCheck
{
    Valid,
    /// <summary>No key was presented.</summary>
    Missing,
    /// <summary>Not a key of ours (unknown id, wrong secret or not in our format).</summary>
    Invalid,
    Revoked,
    /// <summary>A good key without the scope the call needs.</summary>
    ScopeMissing,
}

public sealed record ApiKeyVerification(ApiKeyCheck Check, ApiKey? Key = null);

/// <summary>A new key: <see cref="Secret"/> is the whole key, to show once; it is not stored.</summary>
public sealed record CreatedApiKey(ApiKey Key, string Secret);

/// <summary>
/// Creates, revokes and checks API keys. A key reads <c>dpk_&lt;id&gt;_&lt;secret&gt;</c>: the id finds the row, and the
/// secret's SHA-256 is compared with the stored hash in constant time.
/// </summary>
public sealed class ApiKeyService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, ILogger<ApiKeyService> logger)
{
    private const string Prefix = "dpk_";

    public async Task<CreatedApiKey> CreateAsync(string name, IEnumerable<string> scopes, CancellationToken cancellationToken = default)
    {
        name = name.Trim();
        if (name.Length is 0 or > ApiKey.MaxNameLength)
        {
            throw new ArgumentException($"A key needs a name of 1 to {ApiKey.MaxNameLength} characters.", nameof(name));
        }
        var scopeList = scopes.Distinct(StringComparer.Ordinal).ToList();
        if (scopeList.Count == 0 || scopeList.Except(ApiScopes.All).FirstOrDefault() is { } unknown)
        {
            throw new ArgumentException($"Scopes must be some of {string.Join(", ", ApiScopes.All)}.", nameof(scopes));
        }

        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey { Name = name, Scopes = string.Join(' ', scopeList), SecretHash = Hash(secret), CreatedAt = time.GetUtcNow() };
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("API key {Id} ({Name}) created with scopes {Scopes}", key.Id, key.Name, key.Scopes);
        return new CreatedApiKey(key, $"{Prefix}{key.Id}_{secret}");
    }

    /// <returns>False when there is no such key or it was already revoked.</returns>
    public async Task<bool> RevokeAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (key is null || key.RevokedAt is not null)
        {
            return false;
        }
        key.RevokedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("API key {Id} ({Name}) revoked", key.Id, key.Name);
        return true;
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.AsNoTracking().OrderBy(k => k.Id).ToListAsync(cancellationToken);
    }

    public async Task<ApiKeyVerification> VerifyAsync(string? presented, string scope, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(presented))
        {
            return new ApiKeyVerification(ApiKeyCheck.Missing);
        }
        if (!TryParse(presented.Trim(), out var id, out var secret))
        {
            return new ApiKeyVerification(ApiKeyCheck.Invalid);
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == id, cancellationToken);
        // Hash and compare even for an unknown id, so the time taken says nothing about the secret.
        var matches = CryptographicOperations.FixedTimeEquals(Hash(secret), key?.SecretHash ?? new byte[32]);
        if (key is null || !matches)
        {
            return new ApiKeyVerification(ApiKeyCheck.Invalid);
        }
        if (key.RevokedAt is not null)
        {
            return new ApiKeyVerification(ApiKeyCheck.Revoked, key);
        }
        return key.HasScope(scope) ? new ApiKeyVerification(ApiKeyCheck.Valid, key) : new ApiKeyVerification(ApiKeyCheck.ScopeMissing, key);
    }

    private static bool TryParse(string presented, out int id, out string secret)
    {
        id = 0;
        secret = "";
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = presented.AsSpan(Prefix.Length);
        var separator = rest.IndexOf('_');
        if (separator <= 0 || !int.TryParse(rest[..separator], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out id))
        {
            return false;
        }
        secret = rest[(separator + 1)..].ToString();
        return secret.Length is > 0 and <= 100;
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
