namespace DelistPortal.Blocklist;

/// <summary>One address or range on the blocklist, active until it is delisted or expires.</summary>
public class Listing
{
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

    public required DateTimeOffset ListedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? DelistedAt { get; set; }

    /// <summary>Who removed it: the confirmed email address of a self-service request.</summary>
    public string? DelistedBy { get; set; }

    public string? DelistedFromAddress { get; set; }

    public Guid? DelistRequestId { get; set; }

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
}
