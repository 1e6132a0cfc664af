using System.Globalization;

namespace DelistPortal.Blocklist.Index;

/// <summary>
/// The active listings as a start-up reads them, gathered for <see cref="BlocklistIndex.Load(IndexLoad)"/>: straight
/// from the stored columns (the range start as its 32-digit <see cref="AddressKey"/>, the prefix length), without an
/// <see cref="System.Net.IPAddress"/> or an entity per row — a million listings load in a fraction of a second.
/// </summary>
public sealed class IndexLoad(int capacity = 0)
{
    internal List<IndexRow<uint>> V4 { get; } = new(capacity);

    internal List<IndexRow<UInt128>> V6 { get; } = new(capacity / 4);

    internal List<int> Ids { get; } = new(capacity);

    public int Count => Ids.Count;

    /// <summary>One load of several read side by side (their listings are distinct).</summary>
    public static IndexLoad Combine(IReadOnlyCollection<IndexLoad> parts)
    {
        var all = new IndexLoad(parts.Sum(p => p.Count));
        foreach (var part in parts)
        {
            all.V4.AddRange(part.V4);
            all.V6.AddRange(part.V6);
            all.Ids.AddRange(part.Ids);
        }
        return all;
    }

    public void Add(IndexEntry entry)
    {
        if (BlocklistIndex.TryToV4Row(entry, out var v4, out var v6))
        {
            V4.Add(v4);
        }
        else
        {
            V6.Add(v6);
        }
        Ids.Add(entry.ListingId);
    }

    /// <summary>A stored range exception, as <see cref="Add(int, ReadOnlySpan{char}, int, ListingReason, long?)"/> adds a listing.</summary>
    public void AddException(int exceptionId, ReadOnlySpan<char> rangeStartKey, int prefixLength, long? expiresAtUnixMilliseconds) =>
        Add(IndexEntry.IdOfException(exceptionId), rangeStartKey, prefixLength, IndexEntry.ExceptionReason, expiresAtUnixMilliseconds);

    /// <summary>A stored listing: <paramref name="rangeStartKey"/> as <see cref="Listing.RangeStart"/>, the prefix in its own family.</summary>
    public void Add(int listingId, ReadOnlySpan<char> rangeStartKey, int prefixLength, ListingReason reason, long? expiresAtUnixMilliseconds)
    {
        if (rangeStartKey.Length != 32 || !UInt128.TryParse(rangeStartKey, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var start))
        {
            throw new FormatException($"Listing {listingId} has a malformed range start.");
        }
        var expires = expiresAtUnixMilliseconds is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcTicks : long.MaxValue;
        // IPv4 is stored mapped into ::ffff:0:0/96 with its own prefix (at most 32); an IPv6 network there is wider.
        if (BlocklistIndex.IsIPv4Mapped(start) && prefixLength is >= 0 and <= 32)
        {
            var address = (uint)start & ~FamilyTable<uint>.HostMask(prefixLength);
            V4.Add(new IndexRow<uint>(address, (byte)prefixLength, listingId, expires, (byte)reason));
        }
        else if (prefixLength is >= 0 and <= 128)
        {
            V6.Add(new IndexRow<UInt128>(start & ~FamilyTable<UInt128>.HostMask(prefixLength), (byte)prefixLength, listingId, expires, (byte)reason));
        }
        else
        {
            throw new FormatException($"Listing {listingId} has prefix length {prefixLength}.");
        }
        Ids.Add(listingId);
    }
}
