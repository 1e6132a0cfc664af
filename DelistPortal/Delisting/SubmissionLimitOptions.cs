using System.ComponentModel.DataAnnotations;
using DelistPortal.Portal;

namespace DelistPortal.Delisting;

/// <summary>
/// How many new delist requests the portal takes in a window, counted from the stored requests (so the limits hold
/// across restarts and nodes). Enforced in <see cref="DelistService"/>: interactive events arrive over the circuit,
/// where HTTP rate-limiting middleware never sees them.
/// </summary>
public sealed class SubmissionLimitOptions : IValidatableObject
{
    public const string Section = "SubmissionLimits";

    /// <summary>Per client: one IPv4 address, or one IPv6 /64 (a single customer's usual allocation).</summary>
    [Required]
    public WindowLimit PerClient { get; set; } = new() { Limit = 10, Window = TimeSpan.FromHours(1) };

    /// <summary>Per email address: bounds the confirmation mail one mailbox can be sent.</summary>
    [Required]
    public WindowLimit PerEmail { get; set; } = new() { Limit = 5, Window = TimeSpan.FromHours(1) };

    /// <summary>Per target address.</summary>
    [Required]
    public WindowLimit PerTarget { get; set; } = new() { Limit = 5, Window = TimeSpan.FromHours(1) };

    /// <summary>Per target range: the IPv4 /24 or IPv6 /48 around the target, against bulk delisting of a network.</summary>
    [Required]
    public WindowLimit PerRange { get; set; } = new() { Limit = 20, Window = TimeSpan.FromHours(1) };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        NestedOptionsValidation.Validate(PerClient, nameof(PerClient))
            .Concat(NestedOptionsValidation.Validate(PerEmail, nameof(PerEmail)))
            .Concat(NestedOptionsValidation.Validate(PerTarget, nameof(PerTarget)))
            .Concat(NestedOptionsValidation.Validate(PerRange, nameof(PerRange)));
}

public sealed class WindowLimit
{
    [Range(1, 100_000)]
    public int Limit { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan Window { get; set; }
}
