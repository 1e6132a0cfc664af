using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Blocklist;

/// <summary>
/// The containment questions ("which listings contain this address", "which overlap this range") as point lookups on
/// the (RangeStart, RangeEnd) indexes. A network that contains an address starts where the address, with its host
/// bits cleared at the network's prefix length, starts: so only the at most 33 (IPv4) or 129 (IPv6) starts of
/// <see cref="CandidateStarts"/> can hold one, and the lookups never walk a range of the table (docs/decisions/009).
/// </summary>
public static class ListingQueries
{
    /// <summary>
    /// Active listings that contain <paramref name="address"/>, most specific first. The database is asked only which
    /// listings (of any status) the candidate networks hold, which it answers from the (RangeStart, RangeEnd) index;
    /// whether each is active is checked here. Asked together with the status, SQLite's planner preferred walking
    /// every active listing in the (Status, ListedAt) index instead (0.35 s with 700,000 of them).
    /// </summary>
    public static async Task<List<Listing>> ActiveContainingAsync(this IQueryable<Listing> listings, IPAddress address, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        var found = await listings.Containing(address).ToListAsync(cancellationToken);
        return found.Where(l => l.IsActiveAt(now)).OrderByDescending(l => l.PrefixLength).ThenBy(l => l.Id).ToList();
    }

    /// <summary>
    /// Listings of any status that contain <paramref name="address"/>: for each candidate start, the index entries of
    /// that start whose end is at or after the address (keys are fixed-width hex, so binary string order is address
    /// order: docs/decisions/002). At most a few rows per network that ever contained the address.
    /// </summary>
    public static IQueryable<Listing> Containing(this IQueryable<Listing> listings, IPAddress address)
    {
        var key = AddressKey.From(Normalized(address));
        var starts = CandidateStarts(address, IpNetwork.MaxPrefixLength(Normalized(address)));
        return listings.Where(l => starts.Contains(l.RangeStart) && string.Compare(l.RangeEnd, key) >= 0);
    }

    /// <summary>Listings (of any status) that share an address with <paramref name="network"/>: the networks that contain it, and those inside it.</summary>
    public static IQueryable<Listing> Overlapping(this IQueryable<Listing> listings, IpNetwork network)
    {
        var (start, end) = (network.StartKey, network.EndKey);
        var starts = CandidateStarts(network.Address, network.PrefixLength);
        return network.IsSingleAddress
            ? listings.Where(l => starts.Contains(l.RangeStart) && string.Compare(l.RangeEnd, end) >= 0)
            : listings.Where(l => (starts.Contains(l.RangeStart) && string.Compare(l.RangeEnd, end) >= 0) ||
                                  (string.Compare(l.RangeStart, start) >= 0 && string.Compare(l.RangeStart, end) <= 0));
    }

    /// <summary>Listings (of any status) of exactly this network.</summary>
    public static IQueryable<Listing> OfNetwork(this IQueryable<Listing> listings, IpNetwork network)
    {
        var (start, end) = (network.StartKey, network.EndKey);
        return listings.Where(l => l.RangeStart == start && l.RangeEnd == end);
    }

    /// <summary>Events of every listing that shares an address with <paramref name="network"/>.</summary>
    public static IQueryable<ListingEvent> Overlapping(this IQueryable<ListingEvent> events, IpNetwork network)
    {
        var (start, end) = (network.StartKey, network.EndKey);
        var starts = CandidateStarts(network.Address, network.PrefixLength);
        return network.IsSingleAddress
            ? events.Where(e => starts.Contains(e.RangeStart) && string.Compare(e.RangeEnd, end) >= 0)
            : events.Where(e => (starts.Contains(e.RangeStart) && string.Compare(e.RangeEnd, end) >= 0) ||
                                (string.Compare(e.RangeStart, start) >= 0 && string.Compare(e.RangeStart, end) <= 0));
    }

    /// <summary>History's order: newest first, and among events of one instant the later written first.</summary>
    public static IOrderedQueryable<ListingEvent> NewestFirst(this IQueryable<ListingEvent> events) =>
        events.OrderByDescending(e => e.At).ThenByDescending(e => e.Id);

    /// <summary>The reverse of <see cref="NewestFirst"/>, for reading pages backwards.</summary>
    public static IOrderedQueryable<ListingEvent> OldestFirst(this IQueryable<ListingEvent> events) =>
        events.OrderBy(e => e.At).ThenBy(e => e.Id);

    /// <summary>
    /// The start keys of every network of <paramref name="address"/>'s family with a prefix length from 0 to
    /// <paramref name="longestPrefix"/> that contains it: one per prefix length, fewer where host bits are zero anyway.
    /// An IPv4-mapped IPv6 address is taken as the IPv4 address it maps.
    /// </summary>
    public static List<string> CandidateStarts(IPAddress address, int longestPrefix)
    {
        address = Normalized(address);
        var starts = new List<string>(longestPrefix + 1);
        string? previous = null;
        // From the longest prefix down: a start repeats for as long as the bits being cleared are already zero.
        for (var prefix = longestPrefix; prefix >= 0; prefix--)
        {
            var start = IpNetwork.Containing(address, prefix).StartKey;
            if (start != previous)
            {
                starts.Add(start);
                previous = start;
            }
        }
        return starts;
    }

    private static IPAddress Normalized(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
