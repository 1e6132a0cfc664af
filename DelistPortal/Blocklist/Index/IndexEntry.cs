namespace DelistPortal.Blocklist.Index;

/// <summary>An active listing as the index holds it: what it covers, why, and until when.</summary>
public readonly record struct IndexEntry(int ListingId, IpNetwork Network, ListingReason Reason, DateTimeOffset? ExpiresAt);

/// <summary>A listing that contains the address looked up. <see cref="PrefixLength"/> is in the address's own family.</summary>
public readonly record struct IndexHit(int ListingId, int PrefixLength, ListingReason Reason);
