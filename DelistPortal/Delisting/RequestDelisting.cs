using DelistPortal.Blocklist;
using DelistPortal.Data;

namespace DelistPortal.Delisting;

/// <summary>
/// What removing the listings for a request means, whoever decides it (the sender's click or an admin's approval):
/// each listing ends, each gets a Delisted event tied to the request, and the request is completed.
/// </summary>
public static class RequestDelisting
{
    public static void Apply(PortalDbContext db, DelistRequest request, IReadOnlyList<Listing> listings, Actor actor,
        DateTimeOffset now, string? clientAddress, string reason)
    {
        foreach (var listing in listings)
        {
            listing.End(ListingStatus.Delisted, now);
            listing.DelistRequestId = request.Id;
            var entry = ListingEvent.For(listing, ListingEventKind.Delisted, actor, now, clientAddress, reason);
            entry.DelistRequestId = request.Id;
            db.ListingEvents.Add(entry);
        }
        if (listings.Count == 0)
        {
            request.MarkNoLongerListed(now, clientAddress);
        }
        else
        {
            request.MarkDelisted(now, clientAddress, string.Join(", ", listings.Select(l => l.Network)));
        }
    }
}
