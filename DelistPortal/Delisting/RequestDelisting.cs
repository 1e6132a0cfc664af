using DelistPortal.Blocklist;
using DelistPortal.Data;
using DelistPortal.Portal;

namespace DelistPortal.Delisting;

/// <summary>
/// What delisting the address of a request means, whoever decides it (the sender's click or an admin's approval), by
/// <see cref="ListingPolicy.Plan"/>: each narrow listing (the address itself, or inside its IPv6 /64) ends with a
/// Delisted event; each range stays listed and gets an exception of exactly the address (IPv4) or its /64 (IPv6),
/// with an ExceptionAdded event; all tied to the request, which is completed (docs/decisions/008).
/// </summary>
public static class RequestDelisting
{
    public static async Task ApplyAsync(PortalDbContext db, DelistRequest request, DelistPlan plan, Actor actor,
        DateTimeOffset now, string? clientAddress, string reason, CancellationToken cancellationToken)
    {
        foreach (var listing in plan.Removed)
        {
            listing.End(ListingStatus.Delisted, now);
            listing.DelistRequestId = request.Id;
            var entry = ListingEvent.For(listing, ListingEventKind.Delisted, actor, now, clientAddress, reason);
            entry.DelistRequestId = request.Id;
            db.ListingEvents.Add(entry);
        }
        // A removed listing has no exceptions unless the exception prefix was widened since; they end with it.
        await RangeExceptions.EndWithRangesAsync(db, plan.Removed, actor, clientAddress, cancellationToken);
        foreach (var range in plan.Excepted)
        {
            RangeExceptions.Add(db, range, plan.ExceptionNetwork, actor, request.Id, now, clientAddress, reason);
        }
        if (plan.IsEmpty)
        {
            request.MarkNoLongerListed(now, clientAddress);
        }
        else
        {
            request.MarkDelisted(now, clientAddress, plan);
        }
    }
}
