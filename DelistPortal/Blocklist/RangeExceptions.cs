using DelistPortal.Data;
using DelistPortal.Portal;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Blocklist;

/// <summary>
/// The life of range exceptions beside their ranges, in the caller's unit of work so that both change together: an
/// exception is added with a delist, ends with its range (delisted or expired), follows the range's expiry, and is
/// superseded when its network is listed itself. Each change is an event in the range's history.
/// </summary>
public static class RangeExceptions
{
    /// <summary>
    /// Frees <paramref name="network"/> from <paramref name="range"/>: adds the exception and its ExceptionAdded event.
    /// The range's version goes up, so a concurrent change of the range (an admin's delist, another sender's
    /// exception, which the limit must count) makes one of the two saves fail instead of both passing.
    /// </summary>
    public static ListingException Add(PortalDbContext db, Listing range, IpNetwork network, Actor actor, Guid? delistRequestId,
        DateTimeOffset now, string? clientAddress, string reason)
    {
        var exception = ListingException.For(range, network, actor, delistRequestId, now);
        db.ListingExceptions.Add(exception);
        range.Version++;
        var entry = ListingEvent.For(range, ListingEventKind.ExceptionAdded, actor, now, clientAddress, $"{network} freed; {reason}");
        entry.DelistRequestId = delistRequestId;
        db.ListingEvents.Add(entry);
        return exception;
    }

    /// <summary>Ends the active exceptions of <paramref name="ranges"/>, which end in the same unit of work (at their <see cref="Listing.EndedAt"/>).</summary>
    public static async Task EndWithRangesAsync(PortalDbContext db, IReadOnlyCollection<Listing> ranges, Actor actor, string? clientAddress,
        CancellationToken cancellationToken)
    {
        var ids = ranges.Select(r => r.Id).Where(id => id != 0).ToList();
        if (ids.Count == 0)
        {
            return;
        }
        var active = await db.ListingExceptions
            .Where(e => ids.Contains(e.ListingId) && e.Status == ListingExceptionStatus.Active)
            .ToListAsync(cancellationToken);
        var byId = ranges.ToDictionary(r => r.Id);
        foreach (var exception in active)
        {
            var range = byId[exception.ListingId];
            var at = range.EndedAt ?? throw new InvalidOperationException($"Listing {range.Id} has not ended.");
            exception.End(ListingExceptionStatus.RangeEnded, at, actor.Name);
            db.ListingEvents.Add(ListingEvent.For(range, ListingEventKind.ExceptionEnded, actor, at, clientAddress,
                $"{exception.Network}: ended with the range ({range.Status})"));
        }
    }

    /// <summary>Keeps the active exceptions' copy of <paramref name="range"/>'s expiry equal to it, after an edit.</summary>
    public static async Task FollowExpiryAsync(PortalDbContext db, Listing range, CancellationToken cancellationToken)
    {
        var expiresAt = range.ExpiresAt;
        var behind = await db.ListingExceptions
            .Where(e => e.ListingId == range.Id && e.Status == ListingExceptionStatus.Active && e.ExpiresAt != expiresAt)
            .ToListAsync(cancellationToken);
        foreach (var exception in behind)
        {
            exception.ExpiresAt = expiresAt;
            exception.Version++;
        }
    }

    /// <summary>
    /// Ends, as superseded, the active exceptions of exactly the networks of <paramref name="listed"/> (being listed
    /// in this unit of work): the address is listed again in its own right.
    /// </summary>
    public static async Task SupersedeAsync(PortalDbContext db, IReadOnlyCollection<Listing> listed, Actor actor, DateTimeOffset now,
        string? clientAddress, CancellationToken cancellationToken)
    {
        if (listed.Count == 0)
        {
            return;
        }
        // Most lists hold no active exception at all, and the lookup below costs an import's batch the parsing of a JSON
        // array of 50,000 starts: a batch asks first whether any exception is active (one listing's lookup is a seek).
        if (listed.Count > 1 && !await db.ListingExceptions.AnyAsync(e => e.Status == ListingExceptionStatus.Active, cancellationToken))
        {
            return;
        }
        var starts = listed.Select(l => l.RangeStart).Distinct().ToList();
        var networks = listed.Select(l => (l.RangeStart, l.RangeEnd)).ToHashSet();
        var candidates = await db.ListingExceptions
            .Include(e => e.Listing)
            // One JSON parameter (EF.Parameter): EF 10 otherwise binds a parameter per element, and an import's batch of
            // 10,000 starts made a new SQL text, a new compiled query and 10,000 bindings every batch (a third of its time).
            .Where(e => EF.Parameter(starts).Contains(e.RangeStart) && e.Status == ListingExceptionStatus.Active)
            .ToListAsync(cancellationToken);
        foreach (var exception in candidates.Where(e => networks.Contains((e.RangeStart, e.RangeEnd))))
        {
            exception.End(ListingExceptionStatus.Superseded, now, actor.Name);
            db.ListingEvents.Add(ListingEvent.For(exception.Listing!, ListingEventKind.ExceptionEnded, actor, now, clientAddress,
                $"{exception.Network}: superseded, the network is listed itself"));
        }
    }
}
