using System.Security.Claims;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Admin;

/// <summary>
/// What the blocklist grid and its dialogs do. Reads need a signed-in admin or viewer; changes need an admin and go
/// through <see cref="BlocklistService"/>, so they follow the same rules, versions and history as every other change.
/// </summary>
public sealed class ListingAdminService(IDbContextFactory<PortalDbContext> dbFactory, BlocklistService blocklist)
{
    /// <summary>Counting a million rows for the pager costs more than the page itself: beyond this the grid says "more than".</summary>
    public const int CountCap = 1_000;

    public async Task<ListingPage> QueryAsync(ClaimsPrincipal caller, ListingFilter filter, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        return await QueryPageAsync(dbFactory, filter, page, pageSize, cancellationToken);
    }

    /// <summary>The grid query itself, without the caller check: shared with the benchmark.</summary>
    internal static async Task<ListingPage> QueryPageAsync(IDbContextFactory<PortalDbContext> dbFactory, ListingFilter filter, int page, int pageSize, CancellationToken cancellationToken)
    {
        pageSize = Math.Clamp(pageSize, 1, 500);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var skip = Math.Max(0, page) * pageSize;
        var items = await filter.Apply(db.Listings.AsNoTracking(), db).Skip(skip).Take(pageSize).ToListAsync(cancellationToken);
        var total = await filter.Where(db.Listings, db).Take(CountCap + 1).CountAsync(cancellationToken);
        return new ListingPage(items, Math.Min(total, CountCap), total > CountCap);
    }

    public Task<ChangeResult> AddAsync(ClaimsPrincipal caller, ListingDraft draft, string? clientAddress, CancellationToken cancellationToken = default)
    {
        var actor = AdminAccess.RequireWriter(caller);
        return blocklist.ListAsync(draft with { Source = ListingSource.Admin }, actor, clientAddress, cancellationToken);
    }

    public Task<ChangeResult> EditAsync(ClaimsPrincipal caller, int listingId, int expectedVersion, ListingEdit edit, string? clientAddress, CancellationToken cancellationToken = default)
    {
        var actor = AdminAccess.RequireWriter(caller);
        return blocklist.EditAsync(listingId, expectedVersion, edit, actor, clientAddress, cancellationToken);
    }

    public Task<ChangeResult> DelistAsync(ClaimsPrincipal caller, int listingId, int expectedVersion, string reason, string? clientAddress, CancellationToken cancellationToken = default)
    {
        var actor = AdminAccess.RequireWriter(caller);
        return blocklist.DelistAsync(listingId, expectedVersion, actor, reason, clientAddress, cancellationToken);
    }

    /// <summary>Delists each selected listing at the version the admin saw; the ones changed meanwhile are reported, not overwritten.</summary>
    public async Task<BulkDelistResult> BulkDelistAsync(ClaimsPrincipal caller, IReadOnlyCollection<(int Id, int Version)> selected, string reason, string? clientAddress, CancellationToken cancellationToken = default)
    {
        var actor = AdminAccess.RequireWriter(caller);
        var done = 0;
        var skipped = new List<string>();
        foreach (var (id, version) in selected)
        {
            var result = await blocklist.DelistAsync(id, version, actor, reason, clientAddress, cancellationToken);
            if (result.Succeeded)
            {
                done++;
            }
            else
            {
                skipped.Add(result.Listing?.Network ?? $"#{id}");
            }
        }
        return new BulkDelistResult(done, skipped);
    }

    /// <summary>The history of the listing's network and every network that overlaps it, newest first.</summary>
    public async Task<IReadOnlyList<ListingEvent>> HistoryAsync(ClaimsPrincipal caller, Listing listing, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        return await blocklist.HistoryAsync(listing.IpNetwork, 200, cancellationToken);
    }
}

/// <param name="MoreThan">True when there are more than <see cref="ListingAdminService.CountCap"/> matches; <paramref name="Total"/> is then the cap.</param>
public sealed record ListingPage(IReadOnlyList<Listing> Items, int Total, bool MoreThan);

public sealed record BulkDelistResult(int Delisted, IReadOnlyList<string> Skipped);
