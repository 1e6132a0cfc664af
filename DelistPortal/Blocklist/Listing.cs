namespace DelistPortal.Blocklist;

/// <summary>
/// One address or range on the blocklist. A listing is never deleted: it ends (delisted or expired) and a new one is
/// made if the range is listed again, so the history of a range is its listings plus their events.
/// </summary>
public class Listing
{
    public const int MaxDetailLength = 1000;

    public int Id { get; set; }

    /// <summary>The network as it is shown: "203.0.113.7" or "198.51.100.0/24".</summary>
    public required string Network { get; set; }

    /// <summary>First address as an <see cref="AddressKey"/>.</summary>
    public required string RangeStart { get; set; }

    /// <summary>Last address as an <see cref="AddressKey"/>.</summary>
    public required string RangeEnd { get; set; }

    public required int PrefixLength { get; set; }

    public required ListingReason Reason { get; set; }

    /// <summary>What was seen, in words a sender can act on.</summary>
    public required string Detail { get; set; }

    public ListingEvidence Evidence { get; set; } = new();

    public ListingSource Source { get; set; }

    public required DateTimeOffset ListedAt { get; set; }

    /// <summary>When the listing stops matching by itself; null for a listing that stays until it is delisted.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    public ListingStatus Status { get; set; }

    /// <summary>When the listing was delisted or expired.</summary>
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Whether a sender may remove it through the wizard; if not, their request goes to review.</summary>
    public bool SelfServiceAllowed { get; set; } = true;

    /// <summary>How many times this exact network was listed before this listing.</summary>
    public int TimesListedBefore { get; set; }

    /// <summary>The self-service request that removed it, if one did.</summary>
    public Guid? DelistRequestId { get; set; }

    /// <summary>Incremented by every change; two admins editing the same row cannot overwrite each other.</summary>
    public int Version { get; set; }

    public IpNetwork IpNetwork => IpNetwork.Parse(Network);

    public bool IsActiveAt(DateTimeOffset now) => Status == ListingStatus.Active && (ExpiresAt is null || ExpiresAt > now);

    public static Listing Create(IpNetwork network, ListingReason reason, string detail, DateTimeOffset listedAt) => new()
    {
        Network = network.ToString(),
        RangeStart = network.StartKey,
        RangeEnd = network.EndKey,
        PrefixLength = network.PrefixLength,
        Reason = reason,
        Detail = detail,
        ListedAt = listedAt,
    };

    /// <summary>Ends an active listing. Throws for one that has already ended: callers check first.</summary>
    public void End(ListingStatus status, DateTimeOffset at)
    {
        if (Status != ListingStatus.Active || status == ListingStatus.Active)
        {
            throw new InvalidOperationException($"Listing {Id} ({Network}) is {Status}; it cannot become {status}.");
        }
        Status = status;
        EndedAt = at;
        Version++;
    }
}
