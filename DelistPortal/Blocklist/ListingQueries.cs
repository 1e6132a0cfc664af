using System.Net;

namespace DelistPortal.Blocklist;

public static class ListingQueries
{
    /// <summary>
    /// Active listings that contain <paramref name="address"/>, most specific first. Uses the (RangeStart, RangeEnd)
    /// index: keys are fixed-width hex, so binary string order is address order (docs/decisions/002).
    /// </summary>
    public static IQueryable<Listing> ActiveContaining(this IQueryable<Listing> listings, IPAddress address, DateTimeOffset now)
    {
        var key = AddressKey.From(address);
        return listings
            .Where(l => l.Status == ListingStatus.Active && (l.ExpiresAt == null || l.ExpiresAt > now))
            .Where(l => string.Compare(l.RangeStart, key) <= 0 && string.Compare(l.RangeEnd, key) >= 0)
            .OrderByDescending(l => l.PrefixLength)
            .ThenBy(l => l.Id);
    }

    /// <summary>Listings (of any status) of exactly this network.</summary>
    public static IQueryable<Listing> OfNetwork(this IQueryable<Listing> listings, IpNetwork network)
    {
        var (start, end) = (network.StartKey, network.EndKey);
        return listings.Where(l => l.RangeStart == start && l.RangeEnd == end);
    }

    /// <summary>Events of every listing that shares an address with <paramref name="network"/>, newest first.</summary>
    public static IQueryable<ListingEvent> Overlapping(this IQueryable<ListingEvent> events, IpNetwork network)
    {
        var (start, end) = (network.StartKey, network.EndKey);
        return events
            .Where(e => string.Compare(e.RangeStart, end) <= 0 && string.Compare(e.RangeEnd, start) >= 0)
            .OrderByDescending(e => e.At)
            .ThenByDescending(e => e.Id);
    }
}
