namespace DelistPortal.Blocklist.Index;

/// <summary>The bulk of the listings, rebuilt rarely (at load and compaction). Immutable.</summary>
internal sealed class IndexBase(FamilyTable<uint> v4, FamilyTable<UInt128> v6, int[] sortedIds)
{
    public static readonly IndexBase Empty = new(FamilyTable<uint>.Empty, FamilyTable<UInt128>.Empty, []);

    public FamilyTable<uint> V4 { get; } = v4;

    public FamilyTable<UInt128> V6 { get; } = v6;

    public int Count => sortedIds.Length;

    // A sorted array rather than a set: 4 bytes a listing, and only writers ask.
    public bool Contains(int listingId) => Array.BinarySearch(sortedIds, listingId) >= 0;

    public long EstimatedBytes => V4.EstimatedBytes + V6.EstimatedBytes + (long)sortedIds.Length * sizeof(int) + (Volatile.Read(ref _places)?.Length ?? 0) * sizeof(int);

    // Where each listing of sortedIds is: its IPv4 position, or the complement of its IPv6 position. Only counts
    // need it (for the listings hidden since this base was built), so it is built on the first.
    private int[]? _places;

    /// <summary>Where a listing of this base is in its table; false if it is not in this base.</summary>
    public bool TryFind(int listingId, out bool isV4, out int position)
    {
        var index = Array.BinarySearch(sortedIds, listingId);
        if (index < 0)
        {
            (isV4, position) = (false, -1);
            return false;
        }
        var places = Volatile.Read(ref _places);
        if (places is null)
        {
            places = new int[sortedIds.Length];
            for (var i = 0; i < V4.Count; i++)
            {
                places[Array.BinarySearch(sortedIds, V4.ListingIdAt(i))] = i;
            }
            for (var i = 0; i < V6.Count; i++)
            {
                places[Array.BinarySearch(sortedIds, V6.ListingIdAt(i))] = ~i;
            }
            Volatile.Write(ref _places, places);
        }
        var place = places[index];
        (isV4, position) = (place >= 0, place >= 0 ? place : ~place);
        return true;
    }

    /// <summary>
    /// The next base: this one without the hidden listings, plus the overlay's (which are never in this base unhidden).
    /// Everything is merged from sorted inputs in linear passes.
    /// </summary>
    public IndexBase MergedWith(HashSet<int>? hidden, FamilyTable<uint> overlayV4, FamilyTable<UInt128> overlayV6)
    {
        var v4 = FamilyTable<uint>.Merge(V4, hidden, overlayV4);
        var v6 = FamilyTable<UInt128>.Merge(V6, hidden, overlayV6);
        int[] added = [.. overlayV4.ListingIds, .. overlayV6.ListingIds];
        Array.Sort(added);

        var ids = new int[v4.Count + v6.Count];
        int next = 0, fromAdded = 0;
        foreach (var id in sortedIds)
        {
            if (hidden is not null && hidden.Contains(id))
            {
                continue;
            }
            while (fromAdded < added.Length && added[fromAdded] < id)
            {
                ids[next++] = added[fromAdded++];
            }
            ids[next++] = id;
        }
        added.AsSpan(fromAdded).CopyTo(ids.AsSpan(next));
        return new IndexBase(v4, v6, ids);
    }
}

/// <summary>
/// What readers see: the base, minus the base listings changed since it was built (<see cref="Hidden"/>), plus the
/// listings added or replaced since (the overlay tables). Immutable; a change publishes a new one.
/// </summary>
internal sealed class IndexSnapshot(
    IndexBase @base,
    FamilyTable<uint> overlayV4,
    FamilyTable<UInt128> overlayV6,
    HashSet<int>? hidden,
    int count)
{
    public static readonly IndexSnapshot Empty = new(IndexBase.Empty, FamilyTable<uint>.Empty, FamilyTable<UInt128>.Empty, null, 0);

    public IndexBase Base { get; } = @base;

    public FamilyTable<uint> OverlayV4 { get; } = overlayV4;

    public FamilyTable<UInt128> OverlayV6 { get; } = overlayV6;

    /// <summary>Ids of base listings removed or replaced; null when none, so the common lookup skips the check.</summary>
    public HashSet<int>? Hidden { get; } = hidden;

    public int Count { get; } = count;

    /// <summary>Every IPv4 entry (listings and exceptions), as rows.</summary>
    public IEnumerable<IndexRow<uint>> V4Rows => Base.V4.Rows(Hidden).Concat(OverlayV4.Rows(null));

    /// <summary>Every IPv6 entry, as rows.</summary>
    public IEnumerable<IndexRow<UInt128>> V6Rows => Base.V6.Rows(Hidden).Concat(OverlayV6.Rows(null));

    /// <summary>
    /// The listings (not range exceptions) of <paramref name="reason"/>, or of any, whose network starts before
    /// <paramref name="key"/>, in the order of the database's keys (<see cref="AddressKey"/>: IPv4 mapped into
    /// ::ffff:0:0/96, so IPv6 networks below that range come before every IPv4 network and the others after).
    /// </summary>
    public int CountListingsBefore(UInt128 key, ListingReason? reason)
    {
        const ulong firstMapped = 0xFFFF_0000_0000;
        const ulong lastMapped = 0xFFFF_FFFF_FFFF;
        (int Base, int Overlay) v6 = (Base.V6.PositionOf(key), OverlayV6.PositionOf(key));
        (int Base, int Overlay) v4 = key <= firstMapped ? (0, 0)
            : key > lastMapped ? (Base.V4.Count, OverlayV4.Count)
            : (Base.V4.PositionOf((uint)key), OverlayV4.PositionOf((uint)key));
        var count = Base.V6.CountListingsBefore(v6.Base, reason) + OverlayV6.CountListingsBefore(v6.Overlay, reason)
            + Base.V4.CountListingsBefore(v4.Base, reason) + OverlayV4.CountListingsBefore(v4.Overlay, reason);
        foreach (var listingId in Hidden ?? [])
        {
            // Removed or replaced since the base was built (a replacement is in the overlay, counted there).
            if (Base.TryFind(listingId, out var isV4, out var position)
                && (isV4 ? position < v4.Base && Base.V4.IsListingOf(position, reason) : position < v6.Base && Base.V6.IsListingOf(position, reason)))
            {
                count--;
            }
        }
        return count;
    }

    public long EstimatedBytes =>
        // A HashSet<int> holds about 16 bytes an item (bucket, hash code, next, value).
        Base.EstimatedBytes + OverlayV4.EstimatedBytes + OverlayV6.EstimatedBytes + (Hidden?.Count ?? 0) * 16L;
}
