using System.Net;

namespace DelistPortal.Blocklist;

public static class ListingQueries
{
    /// <summary>
    /// Active listings that contain <paramref name="address"/>, most specific first. Uses the (RangeStart, RangeEnd)
    /// index: keys are fixed-width hex, so SQLite's binary string order is address order.
    /// </summary>
    public static IQueryable<Listing> ActiveContaining(this IQueryable<Listing> listings, IPAddress address, DateTimeOffset now)
    {
        var key = AddressKey.From(address);
        return listings
            .Where(l => l.DelistedAt == null && (l.ExpiresAt == null || l.ExpiresAt > now))
            .Where(l => string.Compare(l.RangeStart, key) <= 0 && string.Compare(l.RangeEnd, key) >= 0)
            .OrderByDescending(l => l.PrefixLength)
            .ThenBy(l => l.Id);
    }
}
