using System.Numerics;
using System.Runtime.CompilerServices;

namespace DelistPortal.Blocklist.Index;

/// <summary>One listing of one address family, normalized: the network's first address (host bits cleared).</summary>
internal readonly record struct IndexRow<T>(T Start, byte Prefix, int ListingId, long ExpiresAtTicks, byte Reason)
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>;

/// <summary>
/// What a lookup needs once the binary search has found a position, in one struct so that it costs one cache miss
/// rather than one per field. 24 bytes with padding.
/// </summary>
internal struct IndexNode
{
    /// <summary>UTC ticks; <see cref="long.MaxValue"/> when the listing does not expire.</summary>
    public long ExpiresAtTicks;

    /// <summary>Position of the immediately enclosing network, -1 if none.</summary>
    public int Parent;

    public int ListingId;
    public byte Prefix;
    public byte Reason;
}

/// <summary>
/// The networks of one family (IPv4 as <see cref="uint"/>, IPv6 as <see cref="UInt128"/>), immutable once built.
/// CIDR networks are laminar (nested or disjoint), so sorted by (start, prefix) every network that contains an address
/// is an ancestor of the last network that starts at or before it: a binary search and a short walk up the parents.
/// </summary>
internal sealed class FamilyTable<T> where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    // Top 16 bits of the address select a slice of the sorted starts: ~12 probes fewer on a million entries, and
    // the probes left stay in one or two cache lines. 256 KiB, so only worth it on the large base table.
    private const int BucketBits = 16;
    private const int MinCountForBuckets = 4096;

    // The grid's row numbers (CountListingsBefore): listings of each reason, and of any, before each block of rows, so a
    // count reads one block's totals and at most a block of rows. Built on first use: the table never changes.
    private const int CountBlock = 512;
    private static readonly int ReasonCount = Enum.GetValues<ListingReason>().Length;
    private static int CountClasses => ReasonCount + 1;

    public static readonly FamilyTable<T> Empty = Build([]);

    private readonly T[] _starts;
    private readonly IndexNode[] _nodes;
    private readonly int[]? _buckets;
    private int[]? _listingsBeforeBlock;

    private FamilyTable(T[] starts, IndexNode[] nodes, int[]? buckets)
    {
        _starts = starts;
        _nodes = nodes;
        _buckets = buckets;
    }

    private static int Bits => Unsafe.SizeOf<T>() * 8;

    public int Count => _starts.Length;

    public long EstimatedBytes =>
        (long)_starts.Length * Unsafe.SizeOf<T>() + (long)_nodes.Length * Unsafe.SizeOf<IndexNode>() + (_buckets?.Length ?? 0) * sizeof(int);

    /// <summary>The bits of an address that a network of this prefix leaves free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T HostMask(int prefix) =>
        // A shift by the full width is masked to a shift by 0 in .NET, hence the explicit case.
        prefix >= Bits ? T.Zero : T.AllBitsSet >>> prefix;

    /// <summary>Builds a table from rows in any order. Rows must have distinct listing ids.</summary>
    public static FamilyTable<T> Build(Span<IndexRow<T>> rows)
    {
        rows.Sort(new RowOrder());
        var writer = new Writer(rows.Length);
        foreach (ref readonly var row in rows)
        {
            writer.Add(row.Start, new IndexNode
            {
                ExpiresAtTicks = row.ExpiresAtTicks,
                ListingId = row.ListingId,
                Prefix = row.Prefix,
                Reason = row.Reason,
            });
        }
        return writer.ToTable();
    }

    /// <summary>
    /// The rows of <paramref name="base"/> whose listing is not hidden, and the rows of <paramref name="overlay"/>
    /// (whose listings must not be in the base unhidden). Both tables are sorted already, so this is one linear merge
    /// rather than a sort of a million rows, and it allocates little beside the new table.
    /// </summary>
    public static FamilyTable<T> Merge(FamilyTable<T> @base, HashSet<int>? hidden, FamilyTable<T> overlay)
    {
        var kept = @base.Count;
        if (hidden is not null)
        {
            foreach (ref readonly var node in @base._nodes.AsSpan())
            {
                kept -= hidden.Contains(node.ListingId) ? 1 : 0;
            }
        }
        var writer = new Writer(kept + overlay.Count);
        int fromBase = 0, fromOverlay = 0;
        while (true)
        {
            while (fromBase < @base.Count && hidden is not null && hidden.Contains(@base._nodes[fromBase].ListingId))
            {
                fromBase++;
            }
            var baseLeft = fromBase < @base.Count;
            var overlayLeft = fromOverlay < overlay.Count;
            if (!baseLeft && !overlayLeft)
            {
                return writer.ToTable();
            }
            var takeBase = baseLeft
                && (!overlayLeft || Precedes(@base, fromBase, overlay, fromOverlay));
            var (table, position) = takeBase ? (@base, fromBase++) : (overlay, fromOverlay++);
            writer.Add(table._starts[position], table._nodes[position]);
        }
    }

    public bool TryFindMostSpecific(T address, ref LookupClock clock, HashSet<int>? hidden, out IndexHit hit)
    {
        for (var i = LastStartAtOrBefore(address); i >= 0;)
        {
            ref readonly var node = ref _nodes[i];
            if (IsMatch(i, in node, address, ref clock, hidden))
            {
                hit = new IndexHit(node.ListingId, node.Prefix, (ListingReason)node.Reason);
                return true;
            }
            i = node.Parent;
        }
        hit = default;
        return false;
    }

    /// <summary>Adds every active network containing the address, most specific first.</summary>
    public void FindAll(T address, ref LookupClock clock, HashSet<int>? hidden, List<IndexHit> hits)
    {
        for (var i = LastStartAtOrBefore(address); i >= 0;)
        {
            ref readonly var node = ref _nodes[i];
            if (IsMatch(i, in node, address, ref clock, hidden))
            {
                hits.Add(new IndexHit(node.ListingId, node.Prefix, (ListingReason)node.Reason));
            }
            i = node.Parent;
        }
    }

    /// <summary>How many rows start before <paramref name="bound"/>: the position of the first that does not.</summary>
    public int PositionOf(T bound) => bound == T.Zero ? 0 : LastStartAtOrBefore(bound - T.One) + 1;

    /// <summary>
    /// The listings (range exceptions not counted) of <paramref name="reason"/>, or of any reason, among the rows
    /// before <paramref name="position"/>.
    /// </summary>
    public int CountListingsBefore(int position, ListingReason? reason)
    {
        var totals = Volatile.Read(ref _listingsBeforeBlock);
        if (totals is null)
        {
            // Two readers may both build it: the same array, and one of them is kept.
            totals = BuildListingsBeforeBlock();
            Volatile.Write(ref _listingsBeforeBlock, totals);
        }
        var block = position / CountBlock;
        var count = totals[block * CountClasses + (reason is { } r ? (int)r : ReasonCount)];
        for (var i = block * CountBlock; i < position; i++)
        {
            count += IsListingOf(i, reason) ? 1 : 0;
        }
        return count;
    }

    /// <summary>Whether the row at <paramref name="position"/> is a listing (not an exception) of the reason, or of any.</summary>
    public bool IsListingOf(int position, ListingReason? reason)
    {
        ref readonly var node = ref _nodes[position];
        return node.ListingId > 0 && (reason is not { } r || node.Reason == (byte)r);
    }

    public int ListingIdAt(int position) => _nodes[position].ListingId;

    private int[] BuildListingsBeforeBlock()
    {
        var totals = new int[(Count / CountBlock + 1) * CountClasses];
        var running = new int[CountClasses];
        for (var i = 0; i < Count; i++)
        {
            if (i % CountBlock == 0)
            {
                running.CopyTo(totals, i / CountBlock * CountClasses);
            }
            ref readonly var node = ref _nodes[i];
            if (node.ListingId > 0)
            {
                running[ReasonCount]++;
                if (node.Reason < ReasonCount)
                {
                    running[node.Reason]++;
                }
            }
        }
        if (Count % CountBlock == 0)
        {
            running.CopyTo(totals, Count / CountBlock * CountClasses);
        }
        return totals;
    }

    /// <summary>The table's rows in its order, less those of the hidden listings (what a snapshot file holds).</summary>
    public IEnumerable<IndexRow<T>> Rows(HashSet<int>? hidden)
    {
        for (var i = 0; i < _starts.Length; i++)
        {
            var node = _nodes[i];
            if (hidden is null || !hidden.Contains(node.ListingId))
            {
                yield return new IndexRow<T>(_starts[i], node.Prefix, node.ListingId, node.ExpiresAtTicks, node.Reason);
            }
        }
    }

    /// <summary>The listing ids of the table, in no particular order.</summary>
    public IEnumerable<int> ListingIds => _nodes.Select(node => node.ListingId);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsMatch(int i, in IndexNode node, T address, ref LookupClock clock, HashSet<int>? hidden) =>
        // Every ancestor starts at or before the address, so only the end needs checking. The clock goes last: it is
        // the dearest check.
        address <= End(_starts[i], node.Prefix)
        && (hidden is null || !hidden.Contains(node.ListingId))
        && clock.IsBefore(node.ExpiresAtTicks);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T End(T start, int prefix) => start | HostMask(prefix);

    private int LastStartAtOrBefore(T address)
    {
        var starts = _starts;
        int low = 0, high = starts.Length;
        if (_buckets is { } buckets)
        {
            var bucket = int.CreateTruncating(address >>> (Bits - BucketBits));
            low = buckets[bucket];
            high = buckets[bucket + 1];
        }
        if (low == high)
        {
            return low - 1;
        }
        // The last position in [low, high) that starts at or before the address, or low - 1. Branch-free halving: a
        // mispredicted branch per probe would also stall the loads of the lookups that follow.
        var count = high - low;
        while (count > 1)
        {
            var half = count >> 1;
            low = starts[low + half] <= address ? low + half : low;
            count -= half;
        }
        return starts[low] <= address ? low : low - 1;
    }

    private static int[] BuildBuckets(T[] starts)
    {
        // buckets[b] = first position whose start has top bits >= b.
        var buckets = new int[(1 << BucketBits) + 1];
        var position = 0;
        for (var bucket = 0; bucket < buckets.Length; bucket++)
        {
            while (position < starts.Length && int.CreateTruncating(starts[position] >>> (Bits - BucketBits)) < bucket)
            {
                position++;
            }
            buckets[bucket] = position;
        }
        return buckets;
    }

    /// <summary>Whether a row of one table comes before a row of another in <see cref="RowOrder"/>.</summary>
    private static bool Precedes(FamilyTable<T> x, int i, FamilyTable<T> y, int j) =>
        RowOrder.Compare(x._starts[i], x._nodes[i].Prefix, x._nodes[i].ListingId, y._starts[j], y._nodes[j].Prefix, y._nodes[j].ListingId) < 0;

    /// <summary>
    /// Start ascending, then wider networks first so parents precede children; the same network twice is ordered by
    /// descending listing id, so the walk up from the last one meets the lowest listing id first. Ids compare unsigned:
    /// an exception (negative id) comes before the listings of its network, so a listing of the same network is met
    /// first and beats it (<see cref="BlocklistIndex.IsMoreSpecific"/>).
    /// </summary>
    private readonly struct RowOrder : IComparer<IndexRow<T>>
    {
        public int Compare(IndexRow<T> x, IndexRow<T> y) =>
            Compare(x.Start, x.Prefix, x.ListingId, y.Start, y.Prefix, y.ListingId);

        public static int Compare(T xStart, byte xPrefix, int xListingId, T yStart, byte yPrefix, int yListingId)
        {
            var byStart = xStart.CompareTo(yStart);
            if (byStart != 0)
            {
                return byStart;
            }
            var byPrefix = xPrefix.CompareTo(yPrefix);
            return byPrefix != 0 ? byPrefix : ((uint)yListingId).CompareTo((uint)xListingId);
        }
    }

    /// <summary>Fills a table's arrays from rows in <see cref="RowOrder"/>, linking each network to its parent.</summary>
    private sealed class Writer(int count)
    {
        private readonly T[] _starts = HugePages.Allocate<T>(count);
        private readonly IndexNode[] _nodes = HugePages.Allocate<IndexNode>(count);
        // Enclosing networks still open at the current start; laminar, so a stack suffices.
        private readonly Stack<int> _open = new();
        private int _count;

        public void Add(T start, IndexNode node)
        {
            while (_open.Count > 0 && End(_starts[_open.Peek()], _nodes[_open.Peek()].Prefix) < start)
            {
                _open.Pop();
            }
            node.Parent = _open.Count > 0 ? _open.Peek() : -1;
            _starts[_count] = start;
            _nodes[_count] = node;
            _open.Push(_count++);
        }

        public FamilyTable<T> ToTable()
        {
            if (_count != _starts.Length)
            {
                throw new InvalidOperationException($"Expected {_starts.Length} rows, got {_count}.");
            }
            HugePages.Collapse(_starts);
            HugePages.Collapse(_nodes);
            return new FamilyTable<T>(_starts, _nodes, _count >= MinCountForBuckets ? BuildBuckets(_starts) : null);
        }
    }
}
