using System.Security.Claims;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using DelistPortal.Portal;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Admin;

/// <summary>
/// Every event of the blocklist, filterable by address or range, actor, kind and date, newest first. Read by key like
/// the listings grid (<see cref="KeysetPaging{TRow}"/>): an import of a million rows writes a million events, and each
/// of them stays reachable at the cost of one page.
/// </summary>
public sealed class HistoryService(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>Beyond this many events a filtered view's total is "more than" (the pages go on).</summary>
    public const int CountCap = 10_000;

    public async Task<HistoryPage> QueryAsync(ClaimsPrincipal caller, HistoryPageRequest request, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        var filter = request.Filter;
        var move = request.Move;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.ListingEvents.AsNoTracking();
        if (filter.Network?.Trim() is { Length: > 0 } search)
        {
            if (ListingFilter.AsNetwork(search) is not { } network)
            {
                return new HistoryPage([], false, new GridTotal(0, Exact: true), InvalidNetwork: true);
            }
            query = query.Overlapping(network);
        }
        if (filter.ActorKind is { } actorKind)
        {
            query = query.Where(e => e.ActorKind == actorKind);
        }
        if (filter.Actor?.Trim() is { Length: > 0 } actor)
        {
            query = query.Where(e => e.ActorName.Contains(actor));
        }
        if (filter.Kind is { } kind)
        {
            query = query.Where(e => e.Kind == kind);
        }
        if (filter.From is { } from)
        {
            query = query.Where(e => e.At >= from);
        }
        if (filter.To is { } to)
        {
            query = query.Where(e => e.At < to);
        }

        var wanted = Math.Clamp(move.At == PageAt.Last && move.LastPageRows is { } rows ? rows : request.PageSize, 1, 500);
        // "At <= …" first so that SQLite seeks the At index to the row and walks one page from there.
        var page = (move.At, move.From) switch
        {
            (PageAt.Next, { } row) => query.Where(e => e.At <= row.At && (e.At < row.At || e.Id < row.Id)).NewestFirst(),
            (PageAt.Previous, { } row) => query.Where(e => e.At >= row.At && (e.At > row.At || e.Id > row.Id)).OldestFirst(),
            (PageAt.Last, _) => query.OldestFirst(),
            _ => query.NewestFirst(),
        };
        // One row more than the page: whether more follow in the direction read.
        var items = await page.Take(wanted + 1).ToListAsync(cancellationToken);
        var moreBeyond = items.Count > wanted;
        if (moreBeyond)
        {
            items.RemoveAt(wanted);
        }
        if (move.At is PageAt.Previous or PageAt.Last)
        {
            items.Reverse();
        }
        GridTotal? total = null;
        if (move.WithTotal)
        {
            // The whole history is counted exactly (SQLite counts the narrowest index: tens of milliseconds for a
            // million events), so its last page is one click away; a filtered view up to the cap.
            var count = filter.IsEmpty ? await query.CountAsync(cancellationToken) : await query.Take(CountCap + 1).CountAsync(cancellationToken);
            total = count > CountCap && !filter.IsEmpty ? new GridTotal(CountCap, Exact: false) : new GridTotal(count, Exact: true);
        }
        return new HistoryPage(items, moreBeyond, total);
    }
}

/// <param name="PageSize">Events per page (1 to 500).</param>
public sealed record HistoryPageRequest(HistoryFilter Filter, PageMove<ListingEvent> Move, int PageSize);

public sealed record HistoryFilter
{
    public string? Network { get; init; }

    public ActorKind? ActorKind { get; init; }

    public string? Actor { get; init; }

    public ListingEventKind? Kind { get; init; }

    /// <summary>Inclusive start (UTC).</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Exclusive end (UTC).</summary>
    public DateTimeOffset? To { get; init; }

    public bool IsEmpty => string.IsNullOrWhiteSpace(Network) && ActorKind is null && string.IsNullOrWhiteSpace(Actor) && Kind is null && From is null && To is null;
}

/// <param name="Items">The page's events, newest first.</param>
/// <param name="MoreBeyond">Whether events follow the page in the direction read.</param>
/// <param name="Total">The view's total, when the request asked for it.</param>
public sealed record HistoryPage(IReadOnlyList<ListingEvent> Items, bool MoreBeyond, GridTotal? Total, bool InvalidNetwork = false);
