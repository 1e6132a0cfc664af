using System.ComponentModel.DataAnnotations;

namespace DelistPortal.Blocklist;

/// <summary>The listing policy: how long listings last, how repeat offenders escalate, how far self-service goes.</summary>
public sealed class BlocklistOptions
{
    public const string Section = "Blocklist";

    /// <summary>Lifetime of a first listing that is given no expiry of its own.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan BaseLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Each earlier listing of the same network within <see cref="RelistWindow"/> multiplies the lifetime by this.</summary>
    [Range(1.0, 100.0)]
    public double EscalationFactor { get; set; } = 2.0;

    /// <summary>The longest lifetime escalation reaches.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan MaxLifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>How far back earlier listings of a network count towards escalation.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan RelistWindow { get; set; } = TimeSpan.FromDays(90);

    /// <summary>After this many self-service delists of one network within <see cref="SelfServiceWindow"/>, requests go to review.</summary>
    [Range(0, 1000)]
    public int SelfServiceLimit { get; set; } = 3;

    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan SelfServiceWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// The most a self-service delist frees of IPv4 space: a listing of this prefix or narrower is removed; a wider one
    /// (a range) stays listed and gets an exception of this prefix around the address (docs/decisions/008).
    /// </summary>
    [Range(IpNetworkInput.MinIPv4PrefixLength, 32)]
    public int ExceptionPrefixIPv4 { get; set; } = 32;

    /// <summary>The same for IPv6: a /64 is what one host or one customer usually has.</summary>
    [Range(IpNetworkInput.MinIPv6PrefixLength, 128)]
    public int ExceptionPrefixIPv6 { get; set; } = 64;

    /// <summary>After this many self-service exceptions in one range within <see cref="SelfServiceWindow"/>, requests in that range go to review.</summary>
    [Range(0, 1000)]
    public int RangeExceptionLimit { get; set; } = 3;

    /// <summary>How often ended listings are recorded as expired (lookups stop matching at the exact expiry regardless).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ExpiryCheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}
