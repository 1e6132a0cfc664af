using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Runtime.InteropServices;

namespace DelistPortal.Blocklist.Index;

/// <summary>
/// The active listings in memory, for the lookups that cannot wait for the database (the DNS responder; the HTTP API,
/// the wizard and the status pages ask the database), with the range exceptions among them: the most specific entry that contains an address decides, so
/// an exception frees its address from every wider listing, and a listing of the same network (or a narrower one)
/// beats the exception (docs/decisions/008). Exceptions have negative ids. Readers take no lock: they read the current <see cref="IndexSnapshot"/>, which is never modified.
/// Writers are serialized; each change publishes a new snapshot whose small overlay holds the changes since the base
/// was built, and a background compaction folds the overlay into a new base when it grows.
/// </summary>
public sealed class BlocklistIndex
{
    // Rebuilding the overlay costs O(k log k) a change; 2048 keeps that around 0.1 ms, and the overlay's node array
    // (24 bytes a row) under the 85,000 bytes from which each rebuild would go to the large object heap.
    private const int DefaultCompactionThreshold = 2048;

    private readonly TimeProvider _time;
    private readonly int _compactionThreshold;
    private readonly bool _compactInBackground;
    private readonly Lock _writeLock = new();

    private IndexSnapshot _snapshot = IndexSnapshot.Empty;

    // Writer state, guarded by _writeLock: the snapshot's parts in mutable form.
    private IndexBase _base = IndexBase.Empty;
    private readonly Dictionary<int, IndexRow<uint>> _overlayV4 = [];
    private readonly Dictionary<int, IndexRow<UInt128>> _overlayV6 = [];
    private readonly HashSet<int> _hidden = [];
    private bool _overlayV4Changed;
    private bool _overlayV6Changed;
    private bool _hiddenChanged;

    // Changes made while a compaction builds the next base from an older snapshot; replayed onto it.
    private List<Change>? _changesDuringCompaction;
    private Task _compaction = Task.CompletedTask;
    // Load bumps it, so a compaction started before a Load does not install stale listings.
    private int _generation;
    private int _compactionCount;

    public BlocklistIndex(TimeProvider time)
        : this(time, DefaultCompactionThreshold, compactInBackground: true)
    {
    }

    internal BlocklistIndex(TimeProvider time, int compactionThreshold, bool compactInBackground)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfNegative(compactionThreshold);
        _time = time;
        _compactionThreshold = compactionThreshold;
        _compactInBackground = compactInBackground;
    }

    /// <summary>Entries held: active listings and range exceptions.</summary>
    public int Count => Volatile.Read(ref _snapshot).Count;

    /// <summary>Bytes held by the current snapshot's arrays.</summary>
    public long EstimatedBytes => Volatile.Read(ref _snapshot).EstimatedBytes;

    /// <summary>What readers see now; it never changes (a change publishes another).</summary>
    internal IndexSnapshot Current => Volatile.Read(ref _snapshot);

    /// <summary>Compactions installed so far.</summary>
    internal int CompactionCount => Volatile.Read(ref _compactionCount);

    /// <summary>Replaces every listing. Builds the whole index in one go; a later entry with the same id wins.</summary>
    public void Load(IEnumerable<IndexEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var latest = new Dictionary<int, IndexEntry>();
        foreach (var entry in entries)
        {
            latest[entry.ListingId] = entry;
        }
        var load = new IndexLoad(latest.Count);
        foreach (var entry in latest.Values)
        {
            load.Add(entry);
        }
        Load(load);
    }

    /// <summary>Replaces every listing with rows read straight from storage (each id once): the start-up path.</summary>
    public void Load(IndexLoad load)
    {
        ArgumentNullException.ThrowIfNull(load);
        var @base = BuildBase(load.V4, load.V6, [.. load.Ids]);
        lock (_writeLock)
        {
            _generation++;
            _changesDuringCompaction = null;
            InstallBase(@base);
            Publish();
        }
    }

    /// <summary>Adds a listing, or replaces the one with the same id. Readers see it when this returns.</summary>
    public void Upsert(IndexEntry entry)
    {
        // Validate before taking the lock, so a bad entry changes nothing.
        var isV4 = TryToV4Row(entry, out var v4, out var v6);
        lock (_writeLock)
        {
            ApplyUpsert(entry.ListingId, isV4, v4, v6);
            _changesDuringCompaction?.Add(new Change(entry.ListingId, isV4, v4, v6, Removed: false));
            Publish();
            StartCompactionIfDue();
        }
    }

    /// <summary>
    /// Applies the changes of one committed transaction together: readers see all of them when this returns, and one
    /// new snapshot is built for the lot instead of one per change (which rebuilt the overlay a thousand times for a
    /// batch of a thousand listings). Removals of unknown ids are ignored.
    /// </summary>
    public void Apply(IReadOnlyCollection<IndexEntry> upserts, IReadOnlyCollection<int> removals)
    {
        ArgumentNullException.ThrowIfNull(upserts);
        // Validated while gathered, before the lock, so a bad entry changes nothing.
        var load = new IndexLoad(upserts.Count);
        foreach (var entry in upserts)
        {
            load.Add(entry);
        }
        Apply(load, removals);
    }

    /// <summary>The same for rows read straight from storage (each id once), as the change log's follower reads them.</summary>
    public void Apply(IndexLoad upserts, IReadOnlyCollection<int> removals)
    {
        ArgumentNullException.ThrowIfNull(upserts);
        ArgumentNullException.ThrowIfNull(removals);
        lock (_writeLock)
        {
            var changed = false;
            foreach (var listingId in removals)
            {
                if (ApplyRemove(listingId))
                {
                    _changesDuringCompaction?.Add(Change.Removal(listingId));
                    changed = true;
                }
            }
            foreach (var row in upserts.V4)
            {
                ApplyUpsert(row.ListingId, isV4: true, row, default);
                _changesDuringCompaction?.Add(new Change(row.ListingId, true, row, default, Removed: false));
                changed = true;
            }
            foreach (var row in upserts.V6)
            {
                ApplyUpsert(row.ListingId, isV4: false, default, row);
                _changesDuringCompaction?.Add(new Change(row.ListingId, false, default, row, Removed: false));
                changed = true;
            }
            if (changed)
            {
                Publish();
                StartCompactionIfDue();
            }
        }
    }

    /// <summary>Removes a listing; nothing happens if the id is unknown. Readers see it when this returns.</summary>
    public void Remove(int listingId)
    {
        lock (_writeLock)
        {
            if (!ApplyRemove(listingId))
            {
                return;
            }
            _changesDuringCompaction?.Add(Change.Removal(listingId));
            Publish();
            StartCompactionIfDue();
        }
    }

    /// <summary>The most specific listing that lists the address; false when none does, or an exception decides.</summary>
    public bool TryFindMostSpecific(IPAddress address, out IndexHit hit)
    {
        ArgumentNullException.ThrowIfNull(address);
        return ToNumber(address, out var v4, out var v6)
            ? TryFindMostSpecific(v4, out hit)
            : TryFindMostSpecific(v6, out hit);
    }

    public bool TryFindMostSpecific(uint ipv4, out IndexHit hit)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        return TryFindMostSpecific(snapshot.Base.V4, snapshot.OverlayV4, snapshot.Hidden, ipv4, new LookupClock(_time), out hit);
    }

    /// <summary>IPv6 as a big-endian 128-bit number; an IPv4-mapped address (::ffff:a.b.c.d) is looked up as IPv4.</summary>
    public bool TryFindMostSpecific(UInt128 ipv6, out IndexHit hit)
    {
        if (IsIPv4Mapped(ipv6))
        {
            return TryFindMostSpecific((uint)ipv6, out hit);
        }
        var snapshot = Volatile.Read(ref _snapshot);
        return TryFindMostSpecific(snapshot.Base.V6, snapshot.OverlayV6, snapshot.Hidden, ipv6, new LookupClock(_time), out hit);
    }

    /// <summary>
    /// Every active listing that lists the address, most specific first (same network: lowest id first): those that
    /// contain it and are not wider than the most specific exception that contains it.
    /// </summary>
    public IReadOnlyList<IndexHit> FindAll(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var snapshot = Volatile.Read(ref _snapshot);
        var clock = new LookupClock(_time);
        var hits = new List<IndexHit>();
        if (ToNumber(address, out var v4, out var v6))
        {
            snapshot.Base.V4.FindAll(v4, ref clock, snapshot.Hidden, hits);
            snapshot.OverlayV4.FindAll(v4, ref clock, null, hits);
        }
        else
        {
            snapshot.Base.V6.FindAll(v6, ref clock, snapshot.Hidden, hits);
            snapshot.OverlayV6.FindAll(v6, ref clock, null, hits);
        }
        // Each table's hits are already in order; only a mix of both needs sorting.
        hits.Sort(static (x, y) => IsMoreSpecific(x, y) ? -1 : IsMoreSpecific(y, x) ? 1 : 0);
        var firstException = hits.FindIndex(static h => h.IsException);
        if (firstException >= 0)
        {
            hits.RemoveRange(firstException, hits.Count - firstException);
        }
        return hits;
    }

    /// <summary>
    /// How many active listings (range exceptions not counted) of <paramref name="reason"/>, or of any reason, start
    /// before a database key (<see cref="AddressKey"/>, 32 hex digits): the admin grid's row numbers in its view sorted
    /// by network, without counting up to a million index entries in the database. Expired listings count until
    /// their end is recorded, as in the database.
    /// </summary>
    public int CountListingsBefore(string startKey, ListingReason? reason)
    {
        ArgumentNullException.ThrowIfNull(startKey);
        var key = UInt128.Parse(startKey, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        return Volatile.Read(ref _snapshot).CountListingsBefore(key, reason);
    }

    /// <summary>Waits until no compaction is running. For tests and benchmarks.</summary>
    internal void WaitForCompaction()
    {
        while (true)
        {
            Task compaction;
            lock (_writeLock)
            {
                compaction = _compaction;
            }
            if (compaction.IsCompleted)
            {
                return;
            }
            compaction.Wait();
        }
    }

    private static bool TryFindMostSpecific<T>(
        FamilyTable<T> @base, FamilyTable<T> overlay, HashSet<int>? hidden, T address, LookupClock clock, out IndexHit hit)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var found = @base.TryFindMostSpecific(address, ref clock, hidden, out hit);
        if (overlay.Count > 0
            && overlay.TryFindMostSpecific(address, ref clock, null, out var fromOverlay)
            && (!found || IsMoreSpecific(fromOverlay, hit)))
        {
            hit = fromOverlay;
            found = true;
        }
        if (found && hit.IsException)
        {
            // The most specific entry is an exception: the address is freed from every wider listing.
            hit = default;
            return false;
        }
        return found;
    }

    /// <summary>
    /// Two networks of one family that both contain an address and have the same prefix are the same network: then a
    /// listing beats an exception, and a lower listing id a higher one. Ids compare unsigned, so exceptions (negative)
    /// come after every listing; <see cref="FamilyTable{T}"/> orders its rows the same way.
    /// </summary>
    internal static bool IsMoreSpecific(IndexHit x, IndexHit y) =>
        x.PrefixLength > y.PrefixLength || (x.PrefixLength == y.PrefixLength && (uint)x.ListingId < (uint)y.ListingId);

    private void ApplyUpsert(int listingId, bool isV4, IndexRow<uint> v4, IndexRow<UInt128> v6)
    {
        ApplyRemove(listingId);
        if (isV4)
        {
            _overlayV4[listingId] = v4;
            _overlayV4Changed = true;
        }
        else
        {
            _overlayV6[listingId] = v6;
            _overlayV6Changed = true;
        }
    }

    /// <returns>Whether the listing was there.</returns>
    private bool ApplyRemove(int listingId)
    {
        var removed = false;
        if (_overlayV4.Remove(listingId))
        {
            _overlayV4Changed = removed = true;
        }
        else if (_overlayV6.Remove(listingId))
        {
            _overlayV6Changed = removed = true;
        }
        if (_base.Contains(listingId) && _hidden.Add(listingId))
        {
            _hiddenChanged = removed = true;
        }
        return removed;
    }

    private void ApplyChange(Change change)
    {
        if (change.Removed)
        {
            ApplyRemove(change.ListingId);
        }
        else
        {
            ApplyUpsert(change.ListingId, change.IsV4, change.V4, change.V6);
        }
    }

    /// <summary>Builds the snapshot from the writer state, rebuilding only the parts that changed, and swaps it in.</summary>
    private void Publish()
    {
        var previous = _snapshot;
        var overlayV4 = _overlayV4Changed ? BuildOverlay(_overlayV4) : previous.OverlayV4;
        var overlayV6 = _overlayV6Changed ? BuildOverlay(_overlayV6) : previous.OverlayV6;
        var hidden = !_hiddenChanged ? previous.Hidden : _hidden.Count == 0 ? null : new HashSet<int>(_hidden);
        var count = _base.Count - _hidden.Count + _overlayV4.Count + _overlayV6.Count;
        _overlayV4Changed = _overlayV6Changed = _hiddenChanged = false;
        Volatile.Write(ref _snapshot, new IndexSnapshot(_base, overlayV4, overlayV6, hidden, count));
    }

    /// <summary>
    /// The overlay is rebuilt on every change, so its scratch copy of the rows is pooled: at a few thousand rows a fresh
    /// array would land on the large object heap each time, and the collections that churn forces stall the writers.
    /// </summary>
    private static FamilyTable<T> BuildOverlay<T>(Dictionary<int, IndexRow<T>> rows)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var scratch = ArrayPool<IndexRow<T>>.Shared.Rent(rows.Count);
        try
        {
            rows.Values.CopyTo(scratch, 0);
            return FamilyTable<T>.Build(scratch.AsSpan(0, rows.Count));
        }
        finally
        {
            ArrayPool<IndexRow<T>>.Shared.Return(scratch);
        }
    }

    private void InstallBase(IndexBase @base)
    {
        _base = @base;
        _overlayV4.Clear();
        _overlayV6.Clear();
        _hidden.Clear();
        _overlayV4Changed = _overlayV6Changed = _hiddenChanged = true;
    }

    private void StartCompactionIfDue()
    {
        if (_changesDuringCompaction is not null
            || _overlayV4.Count + _overlayV6.Count + _hidden.Count <= _compactionThreshold)
        {
            return;
        }
        var snapshot = _snapshot;
        if (!_compactInBackground)
        {
            InstallBase(Compact(snapshot));
            Publish();
            Interlocked.Increment(ref _compactionCount);
            return;
        }

        // The change is already visible; the rebuild (about a second for a million listings) runs off the writer's
        // path, and the writes that arrive meanwhile are logged and replayed onto the new base.
        var generation = _generation;
        _changesDuringCompaction = [];
        _compaction = Task.Run(() =>
        {
            IndexBase? compacted = null;
            try
            {
                compacted = Compact(snapshot);
            }
            finally
            {
                lock (_writeLock)
                {
                    if (generation == _generation)
                    {
                        var changes = _changesDuringCompaction!;
                        _changesDuringCompaction = null;
                        if (compacted is not null)
                        {
                            InstallBase(compacted);
                            foreach (var change in changes)
                            {
                                ApplyChange(change);
                            }
                            Publish();
                            Interlocked.Increment(ref _compactionCount);
                            StartCompactionIfDue();
                        }
                    }
                }
            }
        });
    }

    private static IndexBase Compact(IndexSnapshot snapshot) =>
        snapshot.Base.MergedWith(snapshot.Hidden, snapshot.OverlayV4, snapshot.OverlayV6);

    private static IndexBase BuildBase(List<IndexRow<uint>> v4, List<IndexRow<UInt128>> v6, int[] ids)
    {
        Array.Sort(ids);
        return new IndexBase(
            FamilyTable<uint>.Build(CollectionsMarshal.AsSpan(v4)),
            FamilyTable<UInt128>.Build(CollectionsMarshal.AsSpan(v6)),
            ids);
    }

    /// <summary>Normalizes an entry: host bits cleared, IPv4-mapped IPv6 networks as IPv4.</summary>
    /// <returns>true for IPv4 (<paramref name="v4"/> is set), false for IPv6 (<paramref name="v6"/> is set).</returns>
    internal static bool TryToV4Row(IndexEntry entry, out IndexRow<uint> v4, out IndexRow<UInt128> v6)
    {
        var network = entry.Network;
        ArgumentNullException.ThrowIfNull(network.Address, nameof(entry));
        var prefix = network.PrefixLength;
        var expires = entry.ExpiresAt?.UtcTicks ?? long.MaxValue;
        var reason = (byte)entry.Reason;
        var isV4 = ToNumber(network.Address, out var address4, out var address6);
        if (isV4 && network.Address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            // Lookups treat ::ffff:a.b.c.d as IPv4, so such a network is stored as the IPv4 network it covers.
            if (prefix < 96)
            {
                throw new ArgumentOutOfRangeException(nameof(entry), $"{network} mixes IPv4-mapped and other IPv6 addresses.");
            }
            prefix -= 96;
        }
        var maxPrefix = isV4 ? 32 : 128;
        if (prefix < 0 || prefix > maxPrefix)
        {
            throw new ArgumentOutOfRangeException(nameof(entry), $"Prefix length {network.PrefixLength} is out of range for {network.Address}.");
        }

        v4 = isV4 ? new IndexRow<uint>(address4 & ~FamilyTable<uint>.HostMask(prefix), (byte)prefix, entry.ListingId, expires, reason) : default;
        v6 = isV4 ? default : new IndexRow<UInt128>(address6 & ~FamilyTable<UInt128>.HostMask(prefix), (byte)prefix, entry.ListingId, expires, reason);
        return isV4;
    }

    /// <returns>true with <paramref name="v4"/> set for IPv4 and IPv4-mapped IPv6; false with <paramref name="v6"/> set otherwise.</returns>
    private static bool ToNumber(IPAddress address, out uint v4, out UInt128 v6)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        if (written == 4)
        {
            v4 = BinaryPrimitives.ReadUInt32BigEndian(bytes);
            v6 = default;
            return true;
        }
        v6 = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        v4 = (uint)v6;
        return IsIPv4Mapped(v6);
    }

    internal static bool IsIPv4Mapped(UInt128 ipv6) => ipv6 >> 32 == 0xFFFF;

    /// <summary>A change logged during a compaction: the row to add, or a removal.</summary>
    private readonly record struct Change(int ListingId, bool IsV4, IndexRow<uint> V4, IndexRow<UInt128> V6, bool Removed)
    {
        public static Change Removal(int listingId) => new(listingId, false, default, default, Removed: true);
    }
}
