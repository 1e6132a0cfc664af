using System.Security.Claims;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Admin;

/// <summary>Every event of the blocklist, filterable by address or range, actor, kind and date.</summary>
public sealed class HistoryService(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>Beyond this many events the page says "more than".</summary>
    public const int CountCap = 1_000;

    public async Task<HistoryPage> QueryAsync(ClaimsPrincipal caller, HistoryFilter filter, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.ListingEvents.AsNoTracking();
        if (filter.Network?.Trim() is { Length: > 0 } search)
        {
            if (ListingFilter.AsNetwork(search) is not { } network)
            {
                return new HistoryPage([], 0, InvalidNetwork: true);
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
        query = query.OrderByDescending(e => e.At).ThenByDescending(e => e.Id);
        var items = await query.Skip(Math.Max(0, page) * pageSize).Take(Math.Clamp(pageSize, 1, 500)).ToListAsync(cancellationToken);
        var total = await query.Take(CountCap + 1).CountAsync(cancellationToken);
        return new HistoryPage(items, Math.Min(total, CountCap), total > CountCap);
    }
}

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
}

public sealed record HistoryPage(IReadOnlyList<ListingEvent> Items, int Total, bool MoreThan = false, bool InvalidNetwork = false);
