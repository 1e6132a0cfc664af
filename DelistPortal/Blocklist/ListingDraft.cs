namespace DelistPortal.Blocklist;

/// <summary>What a new listing is made from, whoever adds it (admin form, import, API, the portal itself).</summary>
public sealed record ListingDraft(IpNetwork Network, ListingReason Reason, string Detail, ListingSource Source)
{
    public ListingEvidence Evidence { get; init; } = new();

    /// <summary>An explicit end; when null (and not <see cref="Permanent"/>) the policy's escalating lifetime applies.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Stays until it is delisted.</summary>
    public bool Permanent { get; init; }

    public bool SelfServiceAllowed { get; init; } = true;
}

/// <summary>Changes an admin makes to an active listing; null leaves a field as it is.</summary>
public sealed record ListingEdit
{
    public ListingReason? Reason { get; init; }

    public string? Detail { get; init; }

    /// <summary>A new expiry; use <see cref="RemoveExpiry"/> to make the listing permanent.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    public bool RemoveExpiry { get; init; }

    public bool? SelfServiceAllowed { get; init; }
}
