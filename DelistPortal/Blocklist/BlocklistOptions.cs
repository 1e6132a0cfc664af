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

    /// <summary>How often ended listings are recorded as expired (lookups stop matching at the exact expiry regardless).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ExpiryCheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}
