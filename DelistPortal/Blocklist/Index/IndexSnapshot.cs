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

    public long EstimatedBytes => V4.EstimatedBytes + V6.EstimatedBytes + (long)sortedIds.Length * sizeof(int);

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

    public long EstimatedBytes =>
        // A HashSet<int> holds about 16 bytes an item (bucket, hash code, next, value).
        Base.EstimatedBytes + OverlayV4.EstimatedBytes + OverlayV6.EstimatedBytes + (Hidden?.Count ?? 0) * 16L;
}
