namespace DelistPortal.Api;

/// <summary>
/// A key that a sensor, feed or secondary uses to call the API. Only the SHA-256 hash of the secret is stored; the
/// key itself is shown once, when it is created. Keys are revoked, never deleted, so the history keeps their names.
/// </summary>
public class ApiKey
{
    public const int MaxNameLength = 100;

    public int Id { get; set; }

    /// <summary>Who uses it ("honeypot-eu-1"); recorded as the actor of every change made with it.</summary>
    public required string Name { get; set; }

    /// <summary>Space-separated scopes, from <see cref="ApiScopes"/>.</summary>
    public required string Scopes { get; set; }

    /// <summary>SHA-256 of the key's secret part.</summary>
    public required byte[] SecretHash { get; set; }

    public required DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public bool HasScope(string scope) => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal);
}

/// <summary>What a key may do.</summary>
public static class ApiScopes
{
    /// <summary>Add and remove listings (sensors, feeds).</summary>
    public const string ListingsWrite = "listings:write";

    /// <summary>Download the rbldnsd zone files (DNS secondaries).</summary>
    public const string ZoneRead = "zone:read";

    public static readonly IReadOnlyList<string> All = [ListingsWrite, ZoneRead];
}
