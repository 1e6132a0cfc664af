namespace DelistPortal.Blocklist;

/// <summary>What was observed, when there is something to show. Every part is optional.</summary>
public sealed record ListingEvidence
{
    public const int MaxHeloNameLength = 255;

    public DateTimeOffset? FirstSeen { get; init; }

    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>The name the sending host gave in HELO/EHLO.</summary>
    public string? HeloName { get; init; }

    /// <summary>How many messages or hits were seen.</summary>
    public int? SampleCount { get; init; }
}
