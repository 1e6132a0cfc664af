namespace DelistPortal.Blocklist.Index;

/// <summary>
/// An active listing as the index holds it: what it covers, why, and until when. A range exception is an entry too
/// (<see cref="Exception"/>): a negative id, so it never collides with a listing's, and a reserved reason.
/// </summary>
public readonly record struct IndexEntry(int ListingId, IpNetwork Network, ListingReason Reason, DateTimeOffset? ExpiresAt)
{
    /// <summary>The reason byte of an exception entry; no <see cref="ListingReason"/> has it.</summary>
    public const ListingReason ExceptionReason = (ListingReason)byte.MaxValue;

    /// <summary>
    /// A range exception (<see cref="ListingException"/>): the address is not listed by any wider entry. It holds until
    /// its range's expiry, copied into <paramref name="expiresAt"/>.
    /// </summary>
    public static IndexEntry Exception(int exceptionId, IpNetwork network, DateTimeOffset? expiresAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exceptionId);
        return new IndexEntry(IdOfException(exceptionId), network, ExceptionReason, expiresAt);
    }

    /// <summary>The index id of an exception: its database id, negated.</summary>
    public static int IdOfException(int exceptionId) => -exceptionId;

    public bool IsException => ListingId < 0;
}

/// <summary>
/// An entry that contains the address looked up. <see cref="PrefixLength"/> is in the address's own family. Lookups
/// return listings only; <see cref="IsException"/> is for the index's own walk.
/// </summary>
public readonly record struct IndexHit(int ListingId, int PrefixLength, ListingReason Reason)
{
    public bool IsException => ListingId < 0;
}
