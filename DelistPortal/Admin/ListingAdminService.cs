using System.Security.Claims;
using DelistPortal.Blocklist;
using DelistPortal.Blocklist.Index;
using DelistPortal.ChangeLog;
using DelistPortal.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Admin;

/// <summary>
/// What the blocklist grid and its dialogs do. Reads need a signed-in admin or viewer; changes need an admin and go
/// through <see cref="BlocklistService"/>, so they follow the same rules, versions and history as every other change.
/// </summary>
/// <param name="index">This process's lookup index and the change-log follower that keeps it (null in a host without
/// them): the active listings' row numbers are counted there (<see cref="CountRowsBeforeAsync"/>).</param>
public sealed class ListingAdminService(
    IDbContextFactory<PortalDbContext> dbFactory,
    BlocklistService blocklist,
    BlocklistIndex? index = null,
    ChangeLogFollower? follower = null)
{
    /// <summary>One page of a grid view (see <see cref="ListingGridQuery"/>).</summary>
    public async Task<ListingPage> QueryAsync(ClaimsPrincipal caller, ListingPageRequest request, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        return await ReadPageAsync(dbFactory, request, cancellationToken);
    }

    /// <summary>How many listings a view holds: exact without a search (the tallies), "more than" a cap for a broad search.</summary>
    public async Task<GridTotal> CountAsync(ClaimsPrincipal caller, ListingFilter filter, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        return await CountViewAsync(dbFactory, filter, cancellationToken);
    }

    /// <summary>
    /// "Show me where this network is in the list": the view (its status and reason, no search) sorted by network, from
    /// the widest listing that holds <paramref name="network"/> (or, if none, from where the network would sort) on.
    /// Where that page is in the view is counted apart (<see cref="CountRowsBeforeAsync"/>): at a million listings the
    /// count walks up to a million index entries, and the rows need not wait for it.
    /// </summary>
    public async Task<ListingJump> JumpAsync(ClaimsPrincipal caller, ListingFilter filter, IpNetwork network, int pageSize, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        filter = filter with { Search = null, SortBy = ListingSortColumn.Network, Descending = false };
        string start;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            start = await ValueAsync(db, ListingGridQuery.JumpStart(filter, network), cancellationToken) as string ?? network.StartKey;
        }
        var page = await ReadPageAsync(dbFactory, new ListingPageRequest(filter, pageSize) { At = PageAt.Next, From = ListingGridQuery.KeyBefore(start), WithTotal = true }, cancellationToken);
        return new ListingJump(page, filter, start);
    }

    /// <summary>
    /// How many rows of a jump's view come before its page. The active listings, of one reason or of all, are counted
    /// in the lookup index, which holds them sorted by network with totals per block: a few microseconds where the
    /// database counts up to a million index entries (~100 ms). The index is first brought up to every change
    /// committed before this call, by any process. The one difference from the database: a listing that had expired
    /// when this process loaded the index is left out until its end is recorded (<see cref="BlocklistOptions.ExpiryCheckInterval"/>).
    /// </summary>
    public async Task<int> CountRowsBeforeAsync(ClaimsPrincipal caller, ListingJump jump, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        if (index is not null && follower is { Position: >= 0 } && jump.View is { Status: ListingStatus.Active, Source: null })
        {
            await follower.CatchUpAsync(cancellationToken);
            return index.CountListingsBefore(jump.Start, jump.View.Reason);
        }
        return await CountRowsBeforeInDatabaseAsync(jump, cancellationToken);
    }

    /// <summary>
    /// The count in the database: an index range. SQLite runs a query on the calling thread to its end, whatever the
    /// token says: this one runs on the thread pool, so that the page it numbers is shown meanwhile, and is
    /// interrupted when it is no longer wanted (the admin left or jumped again).
    /// </summary>
    internal async Task<int> CountRowsBeforeInDatabaseAsync(ListingJump jump, CancellationToken cancellationToken) =>
        await Task.Run(async () =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await db.Database.OpenConnectionAsync(cancellationToken);
            // Npgsql cancels a running command by itself when the token fires; SQLite needs to be interrupted.
            await using var interrupt = db.Database.GetDbConnection() is SqliteConnection sqlite
                ? cancellationToken.Register(static c => SQLitePCL.raw.sqlite3_interrupt(((SqliteConnection)c!).Handle), sqlite)
                : default;
            try
            {
                return await ScalarAsync(db, ListingGridQuery.RowsBefore(jump.View, jump.Start), cancellationToken);
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == SQLitePCL.raw.SQLITE_INTERRUPT && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }, cancellationToken);

    /// <summary>The page query itself, without the caller check: shared with the export and the benchmark.</summary>
    internal static async Task<ListingPage> ReadPageAsync(IDbContextFactory<PortalDbContext> dbFactory, ListingPageRequest request, CancellationToken cancellationToken)
    {
        var wanted = request.At == PageAt.Last && request.LastPageRows is { } rows ? Math.Clamp(rows, 1, 500) : Math.Clamp(request.PageSize, 1, 500);
        if (request.At is PageAt.Next or PageAt.Previous && request.From is null)
        {
            request = request with { At = PageAt.First };
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var text = await TextSearchAsync(db, request.Filter, cancellationToken);
        // One row more than the page: whether more follow in the direction read.
        var items = new List<Listing>(wanted + 1);
        foreach (var query in ListingGridQuery.Page(request, text, wanted + 1))
        {
            var (sql, parameters) = ListingGridSql.For(db, query);
            items.AddRange(await db.Listings.FromSqlRaw(sql, parameters).AsNoTracking().ToListAsync(cancellationToken));
            if (items.Count > wanted)
            {
                break;
            }
        }
        var moreBeyond = items.Count > wanted;
        if (moreBeyond)
        {
            items.RemoveRange(wanted, items.Count - wanted);
        }
        if (request.At is PageAt.Previous or PageAt.Last)
        {
            // Read backwards from the row (or the end): shown in the view's order.
            items.Reverse();
        }
        var total = !request.WithTotal ? (GridTotal?)null
            // A first or last page with nothing beyond it holds the whole view: its rows are the total, with no count
            // (on PostgreSQL the count searched a text again: "this from", in no row, took 1 s for each at a million).
            : request.From is null && !moreBeyond ? new GridTotal(items.Count, Exact: true)
            : await CountAsync(db, request.Filter, text, cancellationToken);
        return new ListingPage(items, moreBeyond, total);
    }

    internal static async Task<GridTotal> CountViewAsync(IDbContextFactory<PortalDbContext> dbFactory, ListingFilter filter, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await CountAsync(db, filter, await TextSearchAsync(db, filter, cancellationToken), cancellationToken);
    }

    private static async Task<GridTotal> CountAsync(PortalDbContext db, ListingFilter filter, ListingGridQuery.TextSearch text, CancellationToken cancellationToken)
    {
        if (ListingGridQuery.Tally(filter) is { } tally)
        {
            return new GridTotal(await ScalarAsync(db, tally, cancellationToken), Exact: true);
        }
        if (text.Mode == ListingGridQuery.TextMode.Indexed && filter is { Status: null, Reason: null, Source: null })
        {
            // Every match of the trigram index is in the view.
            return new GridTotal(text.Matches, Exact: true);
        }
        if (text.Mode == ListingGridQuery.TextMode.Filter)
        {
            // What SQLite's lookup knows first: whether the text has more matches than the lookup takes (then the total
            // is a walk's, "more than" a small cap), else all of them (then it is exact).
            var matches = await ScalarAsync(db, ListingGridQuery.CappedCount(new ListingFilter { Search = filter.Search }, text, ListingGridQuery.TextMatchCap), cancellationToken);
            var unfiltered = filter is { Status: null, Reason: null, Source: null };
            if (matches <= ListingGridQuery.TextMatchCap && unfiltered)
            {
                return new GridTotal(matches, Exact: true);
            }
            if (matches > ListingGridQuery.TextMatchCap)
            {
                text = ListingGridQuery.TextSearch.Walk with { IndexPart = text.IndexPart };
                if (unfiltered)
                {
                    return new GridTotal(ListingGridQuery.CommonTextCountCap, Exact: false);
                }
            }
        }
        var cap = text.Mode == ListingGridQuery.TextMode.Walk ? ListingGridQuery.CommonTextCountCap : ListingGridQuery.SearchCountCap;
        var count = await ScalarAsync(db, ListingGridQuery.CappedCount(filter, text, cap), cancellationToken);
        return count > cap ? new GridTotal(cap, Exact: false) : new GridTotal(count, Exact: true);
    }

    /// <summary>
    /// A selective text goes through the trigram index, once per request (its ids then serve the page and the count); a
    /// common one (or one too short for the index) walks the sort's index instead. On PostgreSQL: <see cref="PostgreSqlTextLookup"/>.
    /// </summary>
    private static async Task<ListingGridQuery.TextSearch> TextSearchAsync(PortalDbContext db, ListingFilter filter, CancellationToken cancellationToken)
    {
        if (ListingGridQuery.TextOf(filter) is not { } text)
        {
            return ListingGridQuery.TextSearch.None;
        }
        if (text.Length < ListingSearch.MinLength)
        {
            return ListingGridQuery.TextSearch.Walk;
        }
        if (db.Database.IsNpgsql())
        {
            return await PostgreSqlTextLookup.FindAsync(db, text, cancellationToken);
        }
        var ids = await MatchesByWordsAsync(db, text, cancellationToken) ?? await ReadIdsAsync(db, ListingGridQuery.TextMatches(text), cancellationToken);
        if (ids.Count <= ListingGridQuery.TextMatchCap && ListingGridQuery.AddressMatches(text) is { } addressMatches)
        {
            // The networks are not in the text index: a text that begins an address finds them by their starts.
            ids = ids.Union(await ReadIdsAsync(db, addressMatches, cancellationToken)).ToList();
        }
        return ids.Count > ListingGridQuery.TextMatchCap
            ? ListingGridQuery.TextSearch.Walk
            : new ListingGridQuery.TextSearch(ListingGridQuery.TextMode.Indexed, System.Text.Json.JsonSerializer.Serialize(ids), ids.Count);
    }

    /// <summary>
    /// The listings that hold a text of several words, found by its rarest word. FTS5 spends ~20 ms at a million rows on
    /// a phrase of many trigrams when some are in every row ("case 137843)"), even for one matching row, and 75-90 ms on
    /// an AND of words when some words are in every row ("Benchmark listing 77777:"); one word as a phrase, with a
    /// limit, takes 1-6 ms either way. The rows of the first word found in at most
    /// <see cref="ListingGridQuery.WordMatchCap"/> rows are then checked for the whole text here, as FTS5 matches it
    /// (in any case). Null for one word, or when every word is in more rows: the phrase decides then.
    /// </summary>
    private static async Task<List<long>?> MatchesByWordsAsync(PortalDbContext db, string text, CancellationToken cancellationToken)
    {
        List<long>? candidates = null;
        foreach (var word in ListingSearch.WordsOf(text))
        {
            if (await ReadIdsAsync(db, ListingGridQuery.WordMatches(word), cancellationToken) is { Count: <= ListingGridQuery.WordMatchCap } rows)
            {
                candidates = rows;
                break;
            }
        }
        if (candidates is null)
        {
            return null;
        }
        var ids = candidates.Select(id => (int)id).ToList();
        var details = await db.Listings.AsNoTracking().Where(l => ids.Contains(l.Id)).Select(l => new { l.Id, l.Detail }).ToListAsync(cancellationToken);
        return details.Where(r => r.Detail.Contains(text, StringComparison.OrdinalIgnoreCase)).Select(r => (long)r.Id).ToList();
    }

    private static async Task<List<long>> ReadIdsAsync(PortalDbContext db, ListingGridQuery.Sql sql, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql.Text;
        command.Parameters.AddRange(sql.Parameters.ToArray());
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }
        return ids;
    }

    private static async Task<int> ScalarAsync(PortalDbContext db, ListingGridQuery.Sql sql, CancellationToken cancellationToken) =>
        Convert.ToInt32(await ValueAsync(db, sql, cancellationToken), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<object?> ValueAsync(PortalDbContext db, ListingGridQuery.Sql sql, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var (text, parameters) = ListingGridSql.For(db, sql);
        command.CommandText = text;
        command.Parameters.AddRange(parameters);
        return await command.ExecuteScalarAsync(cancellationToken);
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

public sealed record BulkDelistResult(int Delisted, IReadOnlyList<string> Skipped);
