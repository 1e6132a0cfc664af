using System.Net;
using DelistPortal.Blocklist.Index;
using DelistPortal.ChangeLog;
using DelistPortal.Data;
using DelistPortal.Portal;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace DelistPortal.Blocklist;

/// <summary>
/// Every change to the blocklist goes through here (or through the delist wizard's service for senders), so
/// each one is validated, versioned and written to the history in the same transaction.
/// </summary>
/// <param name="follower">This process's change-log follower, which an import waits for once at its end (<see cref="FinishImportAsync"/>).</param>
public sealed class BlocklistService(
    IDbContextFactory<PortalDbContext> dbFactory,
    ListingPolicy policy,
    TimeProvider time,
    ILogger<BlocklistService> logger,
    ChangeLogFollower? follower = null)
{
    public async Task<ChangeResult> ListAsync(ListingDraft draft, Actor actor, string? clientAddress, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        if (Validate(draft, now) is var error && error != ListingDraftError.None)
        {
            return new ChangeResult(ChangeOutcome.Invalid, Error: error);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var earlier = await db.Listings.OfNetwork(draft.Network).AsNoTracking().ToListAsync(cancellationToken);
        if (earlier.FirstOrDefault(l => l.Status == ListingStatus.Active) is { } active)
        {
            return new ChangeResult(ChangeOutcome.AlreadyListed, active);
        }
        var (listing, kind) = AddListing(db, draft, earlier.Count, earlier.Count(l => l.EndedAt >= now - policy.RelistWindow), actor, clientAddress, now);
        await RangeExceptions.SupersedeAsync(db, [listing], actor, now, clientAddress, cancellationToken);

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (PortalDbContext.IsUniqueViolation(ex))
        {
            // Another writer listed the same network a moment ago (unique index on active networks).
            await using var fresh = await dbFactory.CreateDbContextAsync(cancellationToken);
            var winner = await fresh.Listings.OfNetwork(draft.Network).FirstOrDefaultAsync(l => l.Status == ListingStatus.Active, cancellationToken);
            return new ChangeResult(ChangeOutcome.AlreadyListed, winner);
        }
        logger.LogInformation("{Actor} {Kind} {Network} ({Reason}) until {ExpiresAt}", actor.Name, kind, listing.Network, listing.Reason, listing.ExpiresAt);
        return new ChangeResult(ChangeOutcome.Done, listing);
    }

    /// <summary>
    /// Lists many networks at once (an import), in one transaction: the same validation, lifetimes and history as
    /// <see cref="ListAsync"/>. A network with an active listing, or twice in the batch, is reported as already listed.
    /// The earlier listings of the whole batch are read with one query, and the new listings and their events are
    /// written with one statement each (<see cref="ListingBulkInsert"/>: a statement per row made the full-text
    /// index write a segment per row); the lookup index gets them when the transaction commits.
    /// </summary>
    /// <param name="connection">An open connection to write on (an import job's own), or null for one from the pool.</param>
    /// <param name="deferSearch">
    /// An import's batch: on SQLite the new listings' text is left out of the full-text index for now
    /// (<see cref="IndexPendingSearchAsync"/> indexes them later in one pass, which costs a fraction of indexing batch by
    /// batch: docs/decisions/011), and on both providers the commit does not wait for this process's lookup index; the
    /// import calls <see cref="FinishImportAsync"/> at its end.
    /// </param>
    public async Task<IReadOnlyList<ChangeResult>> ListManyAsync(IReadOnlyList<ListingDraft> drafts, Actor actor, string? clientAddress,
        CancellationToken cancellationToken = default, System.Data.Common.DbConnection? connection = null, bool deferSearch = false) =>
        await WriteManyAsync(await PrepareManyAsync(drafts, cancellationToken, connection), actor, clientAddress, cancellationToken, connection, deferSearch);

    /// <summary>
    /// The first half of <see cref="ListManyAsync"/>, which reads and writes nothing of the batch yet: the drafts checked,
    /// their earlier listings read, the new listings made. An import prepares the next batch this way while the current
    /// one is written (its batches never share a network, so none depends on the one before). A network listed by
    /// someone else in between is caught by the write, as it would be by <see cref="ListManyAsync"/>.
    /// </summary>
    /// <param name="connection">An open connection to read on, or null for one from the pool.</param>
    public async Task<ListingBatch> PrepareManyAsync(IReadOnlyList<ListingDraft> drafts, CancellationToken cancellationToken = default,
        System.Data.Common.DbConnection? connection = null)
    {
        var now = time.GetUtcNow();
        var results = new ChangeResult[drafts.Count];
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (connection is not null)
        {
            db.Database.SetDbConnection(connection);
        }
        // One JSON parameter rather than an IN list: binding 10,000 named parameters costs SQLite a name lookup each
        // (sqlite3_bind_parameter_index walks them), which was a third of an import's time.
        var keys = drafts.Select(d => (d.Network.StartKey, d.Network.EndKey)).ToArray();
        var starts = keys.Select(k => k.StartKey).Distinct().ToArray();
        // PostgreSQL takes the list as one array parameter.
        var earlierByNetwork = (await (db.Database.IsNpgsql()
                ? db.Database.SqlQuery<EarlierListing>($"""
                    SELECT "RangeStart", "RangeEnd", "Status", "EndedAt" FROM "Listings" WHERE "RangeStart" = ANY({starts})
                    """)
                : db.Database.SqlQuery<EarlierListing>($"""
                    SELECT "RangeStart", "RangeEnd", "Status", "EndedAt" FROM "Listings"
                    WHERE "RangeStart" IN (SELECT value FROM json_each({System.Text.Json.JsonSerializer.Serialize(starts)}))
                    """)).ToListAsync(cancellationToken))
            .ToLookup(l => (l.RangeStart, l.RangeEnd));
        var seen = new HashSet<(string, string)>();
        var added = new List<(int Index, Listing Listing, ListingEventKind Kind)>();
        for (var i = 0; i < drafts.Count; i++)
        {
            var draft = drafts[i];
            if (Validate(draft, now) is var error && error != ListingDraftError.None)
            {
                results[i] = new ChangeResult(ChangeOutcome.Invalid, Error: error);
                continue;
            }
            var key = keys[i];
            var earlier = earlierByNetwork[key];
            if (!seen.Add(key) || earlier.Any(l => l.Status == nameof(ListingStatus.Active)))
            {
                results[i] = new ChangeResult(ChangeOutcome.AlreadyListed);
                continue;
            }
            var recentlyEnded = now.ToUnixTimeMilliseconds() - (long)policy.RelistWindow.TotalMilliseconds;
            var (listing, kind) = NewListing(draft, earlier.Count(), earlier.Count(l => l.EndedAt >= recentlyEnded), now);
            added.Add((i, listing, kind));
        }
        return new ListingBatch(drafts, results, added, now);
    }

    /// <summary>The second half of <see cref="ListManyAsync"/>: writes a prepared batch in one transaction.</summary>
    public async Task<IReadOnlyList<ChangeResult>> WriteManyAsync(ListingBatch batch, Actor actor, string? clientAddress,
        CancellationToken cancellationToken = default, System.Data.Common.DbConnection? connection = null, bool deferSearch = false)
    {
        var (drafts, results, added, now) = (batch.Drafts, batch.Results, batch.Added, batch.PreparedAt);
        if (added.Count == 0)
        {
            return results;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (connection is not null)
        {
            db.Database.SetDbConnection(connection);
        }

        // An import's batch does not wait for this process's lookup index at its commit (see below).
        var importBatch = deferSearch;
        // PostgreSQL's trigram index takes a batch as it comes (GIN's pending list): nothing to defer there.
        deferSearch &= db.Database.IsSqlite();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            try
            {
                var listings = added.Select(a => a.Listing).ToList();
                if (deferSearch)
                {
                    await db.Database.ExecuteSqlRawAsync(ListingSearch.BeginDeferralSql, cancellationToken);
                }
                await ListingBulkInsert.InsertListingsAsync(db, listings, cancellationToken);
                if (deferSearch)
                {
                    // Before the commit, always: a committed deferral row would defer every later writer's listings.
                    await db.Database.ExecuteSqlRawAsync(ListingSearch.EndDeferralSql, cancellationToken);
                }
                await ListingBulkInsert.InsertListedEventsAsync(db, listings, actor, now, clientAddress, cancellationToken);
                await SupersedeExceptionsAsync(db, listings, actor, now, clientAddress, cancellationToken);
                if (importBatch)
                {
                    // An import's batch: the synchronous commit only wakes this process's change-log follower, which
                    // applies the batch to the lookup index while the next batch is written, instead of the import
                    // waiting for it (a tenth of an import's time). The import waits once, at its end (FinishImportAsync).
                    transaction.Commit();
                }
                else
                {
                    await transaction.CommitAsync(cancellationToken);
                }
            }
            catch (System.Data.Common.DbException ex) when (PortalDbContext.IsUniqueViolation(ex))
            {
                // Someone listed one of these networks meanwhile: fall back to one at a time, which reports it.
                await transaction.RollbackAsync(CancellationToken.None);
                foreach (var (index, _, _) in added)
                {
                    results[index] = await ListAsync(drafts[index], actor, clientAddress, cancellationToken);
                }
                return results;
            }
        }
        foreach (var (index, listing, _) in added)
        {
            results[index] = new ChangeResult(ChangeOutcome.Done, listing);
        }
        // An import logs once, at its end (ImportJobs); a line per batch said the same thing a hundred times.
        logger.LogDebug("{Actor} listed {Count} networks in one batch", actor.Name, added.Count);
        return results;
    }

    /// <summary>
    /// Ends an import whose batches were written with <c>deferSearch</c>: their text goes into the full-text index
    /// (<see cref="IndexPendingSearchAsync"/>), and this process's lookup index is brought up to date, so that the import
    /// ends with all its rows searchable and answered here. Returns how many listings it put in the text index.
    /// </summary>
    public async Task<int> FinishImportAsync(System.Data.Common.DbConnection? connection = null, CancellationToken cancellationToken = default)
    {
        var indexed = await IndexPendingSearchAsync(connection, cancellationToken: cancellationToken);
        // The batches' commits only woke the follower. On SQLite the text pass's commit, if it had rows, has waited for
        // it already (a catch-up with nothing new costs one read of the log); on PostgreSQL this is the wait.
        if (follower is not null)
        {
            await follower.CatchUpAsync(cancellationToken);
        }
        return indexed;
    }

    /// <summary>
    /// Puts the listings an import left out of the full-text index (<see cref="ListManyAsync"/> with deferSearch) into it,
    /// with their current text, <paramref name="chunk"/> listings a transaction so that other writers wait at most one
    /// chunk. Safe to run from several processes at once, and while an import runs. Returns how many it indexed.
    /// </summary>
    public async Task<int> IndexPendingSearchAsync(System.Data.Common.DbConnection? connection = null, int chunk = 50_000,
        CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (connection is not null)
        {
            db.Database.SetDbConnection(connection);
        }
        if (!db.Database.IsSqlite())
        {
            // Nothing is ever deferred on PostgreSQL (see ListManyAsync).
            return 0;
        }
        await db.Database.OpenConnectionAsync(cancellationToken);
        var indexed = 0;
        try
        {
            // A read first: every start asks, and an empty queue must not take the write lock.
            if (!await db.Database.SqlQueryRaw<bool>("SELECT EXISTS (SELECT 1 FROM ListingSearchPending) AS Value").SingleAsync(cancellationToken))
            {
                return 0;
            }
            while (true)
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var sqlite = (SqliteConnection)db.Database.GetDbConnection();
                var dbTransaction = (SqliteTransaction)transaction.GetDbTransaction();
                await using var bound = sqlite.CreateCommand();
                bound.Transaction = dbTransaction;
                bound.CommandText = ListingSearch.PendingBoundSql;
                bound.Parameters.AddWithValue("$count", chunk);
                if (await bound.ExecuteScalarAsync(cancellationToken) is not long upTo)
                {
                    return indexed;
                }
                foreach (var sql in new[] { ListingSearch.IndexPendingSql, ListingSearch.DequeuePendingSql })
                {
                    await using var command = sqlite.CreateCommand();
                    command.Transaction = dbTransaction;
                    command.CommandText = sql;
                    command.Parameters.AddWithValue("$upTo", upTo);
                    // The last is the dequeue: as many as were indexed (a deleted listing leaves the queue with it).
                    var count = await command.ExecuteNonQueryAsync(cancellationToken);
                    if (sql == ListingSearch.DequeuePendingSql)
                    {
                        indexed += count;
                    }
                }
                await transaction.CommitAsync(cancellationToken);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public async Task<ChangeResult> EditAsync(int listingId, int expectedVersion, ListingEdit edit, Actor actor, string? clientAddress, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (listing, refusal) = await FindForChangeAsync(db, listingId, expectedVersion, now, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }
        var detail = edit.Detail?.Trim() ?? listing!.Detail;
        var expiresAt = edit.RemoveExpiry ? null : edit.ExpiresAt ?? listing!.ExpiresAt;
        var draft = new ListingDraft(listing!.IpNetwork, edit.Reason ?? listing.Reason, detail, listing.Source) { ExpiresAt = expiresAt };
        if (Validate(draft, now) is var error && error != ListingDraftError.None)
        {
            return new ChangeResult(ChangeOutcome.Invalid, listing, error);
        }

        var changes = new List<string>();
        if (draft.Reason != listing.Reason)
        {
            changes.Add($"reason {listing.Reason} → {draft.Reason}");
            listing.Reason = draft.Reason;
        }
        if (detail != listing.Detail)
        {
            changes.Add($"detail \"{listing.Detail}\" → \"{detail}\"");
            listing.Detail = detail;
        }
        if (expiresAt != listing.ExpiresAt)
        {
            changes.Add($"expires {Show(listing.ExpiresAt)} → {Show(expiresAt)}");
            listing.ExpiresAt = expiresAt;
        }
        if (edit.SelfServiceAllowed is { } allowed && allowed != listing.SelfServiceAllowed)
        {
            changes.Add($"self-service {(allowed ? "allowed" : "refused")}");
            listing.SelfServiceAllowed = allowed;
        }
        if (changes.Count == 0)
        {
            return new ChangeResult(ChangeOutcome.Done, listing);
        }
        listing.Version++;
        db.ListingEvents.Add(ListingEvent.For(listing, ListingEventKind.Edited, actor, now, clientAddress, string.Join("; ", changes)));
        await RangeExceptions.FollowExpiryAsync(db, listing, cancellationToken);
        return await SaveChangeAsync(db, listing, cancellationToken);
    }

    /// <summary>An admin (or an API client) removes a listing, with a reason for the history.</summary>
    public async Task<ChangeResult> DelistAsync(int listingId, int expectedVersion, Actor actor, string reason, string? clientAddress, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (listing, refusal) = await FindForChangeAsync(db, listingId, expectedVersion, now, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }
        listing!.End(ListingStatus.Delisted, now);
        db.ListingEvents.Add(ListingEvent.For(listing, ListingEventKind.Delisted, actor, now, clientAddress, reason.Trim()));
        await RangeExceptions.EndWithRangesAsync(db, [listing], actor, clientAddress, cancellationToken);
        var result = await SaveChangeAsync(db, listing, cancellationToken);
        if (result.Succeeded)
        {
            logger.LogInformation("{Actor} delisted {Network}: {Reason}", actor.Name, listing.Network, reason);
        }
        return result;
    }

    /// <summary>Delists the active listing of exactly <paramref name="network"/> (not one that merely contains it); NotFound when there is none.</summary>
    public async Task<ChangeResult> DelistNetworkAsync(IpNetwork network, Actor actor, string reason, string? clientAddress, CancellationToken cancellationToken = default)
    {
        Listing? listing;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var now = time.GetUtcNow();
            listing = (await db.Listings.AsNoTracking().OfNetwork(network)
                .Where(l => l.Status == ListingStatus.Active).ToListAsync(cancellationToken))
                .FirstOrDefault(l => l.IsActiveAt(now));
        }
        return listing is null
            ? new ChangeResult(ChangeOutcome.NotFound)
            : await DelistAsync(listing.Id, listing.Version, actor, reason, clientAddress, cancellationToken);
    }

    /// <summary>Records listings whose expiry has passed as expired. Lookups already ignore them from the exact instant.</summary>
    public async Task<int> RecordExpiriesAsync(CancellationToken cancellationToken = default)
    {
        const int batchSize = 500;
        var now = time.GetUtcNow();
        var recorded = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var due = await db.Listings
                .Where(l => l.Status == ListingStatus.Active && l.ExpiresAt != null && l.ExpiresAt <= now)
                .OrderBy(l => l.ExpiresAt)
                .Take(batchSize)
                .ToListAsync(cancellationToken);
            foreach (var listing in due)
            {
                listing.End(ListingStatus.Expired, listing.ExpiresAt!.Value);
                db.ListingEvents.Add(ListingEvent.For(listing, ListingEventKind.Expired, Actor.System, listing.ExpiresAt.Value, null, null));
            }
            await RangeExceptions.EndWithRangesAsync(db, due, Actor.System, null, cancellationToken);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // An admin changed one of them meanwhile; the next round sees the new state.
                return recorded;
            }
            recorded += due.Count;
            if (due.Count < batchSize)
            {
                return recorded;
            }
        }
    }

    /// <summary>Every event of every listing that shares an address with <paramref name="network"/>, newest first.</summary>
    public async Task<IReadOnlyList<ListingEvent>> HistoryAsync(IpNetwork network, int take = 500, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ListingEvents.AsNoTracking().Overlapping(network).NewestFirst().Take(take).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<Listing>> ActiveContainingAsync(IPAddress address, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Listings.AsNoTracking().ActiveContainingAsync(address, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>The active listings that list <paramref name="address"/> (no exception masks them), most specific first.</summary>
    public async Task<IReadOnlyList<Listing>> ListingsThatListAsync(IPAddress address, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ListingsThatListAsync(address, time.GetUtcNow(), cancellationToken: cancellationToken);
    }

    /// <summary>What delisting <paramref name="address"/> would do now (<see cref="ListingPolicy.Plan"/>).</summary>
    public async Task<DelistPlan> PlanDelistAsync(IPAddress address, CancellationToken cancellationToken = default) =>
        policy.Plan(address, await ListingsThatListAsync(address, cancellationToken));

    /// <summary>An admin takes an exception back: the range lists the address again at once.</summary>
    public async Task<ExceptionChangeResult> RevokeExceptionAsync(int exceptionId, int expectedVersion, Actor actor, string? reason, string? clientAddress,
        CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var exception = await db.ListingExceptions.Include(e => e.Listing).FirstOrDefaultAsync(e => e.Id == exceptionId, cancellationToken);
        if (exception is null)
        {
            return new ExceptionChangeResult(ChangeOutcome.NotFound);
        }
        if (exception.Version != expectedVersion)
        {
            return new ExceptionChangeResult(ChangeOutcome.Conflict, exception);
        }
        if (exception.Status != ListingExceptionStatus.Active)
        {
            return new ExceptionChangeResult(ChangeOutcome.NotActive, exception);
        }
        exception.End(ListingExceptionStatus.Revoked, now, actor.Name);
        var note = string.IsNullOrWhiteSpace(reason) ? $"{exception.Network} revoked" : $"{exception.Network} revoked: {reason.Trim()}";
        db.ListingEvents.Add(ListingEvent.For(exception.Listing!, ListingEventKind.ExceptionRevoked, actor, now, clientAddress, note));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ExceptionChangeResult(ChangeOutcome.Conflict, exception);
        }
        logger.LogInformation("{Actor} revoked the exception of {Network} in {Range}", actor.Name, exception.Network, exception.Listing!.Network);
        return new ExceptionChangeResult(ChangeOutcome.Done, exception);
    }

    /// <summary>The import's part of <see cref="RangeExceptions.SupersedeAsync"/>: saved in the import's transaction.</summary>
    private static async Task SupersedeExceptionsAsync(PortalDbContext db, IReadOnlyCollection<Listing> listed, Actor actor, DateTimeOffset now,
        string? clientAddress, CancellationToken cancellationToken)
    {
        await RangeExceptions.SupersedeAsync(db, listed, actor, now, clientAddress, cancellationToken);
        if (db.ChangeTracker.HasChanges())
        {
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private static async Task<(Listing? Listing, ChangeResult? Refusal)> FindForChangeAsync(
        PortalDbContext db, int listingId, int expectedVersion, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var listing = await db.Listings.FirstOrDefaultAsync(l => l.Id == listingId, cancellationToken);
        return listing switch
        {
            null => (null, new ChangeResult(ChangeOutcome.NotFound)),
            _ when listing.Version != expectedVersion => (null, new ChangeResult(ChangeOutcome.Conflict, listing)),
            _ when !listing.IsActiveAt(now) => (null, new ChangeResult(ChangeOutcome.NotActive, listing)),
            _ => (listing, null),
        };
    }

    private static async Task<ChangeResult> SaveChangeAsync(PortalDbContext db, Listing listing, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return new ChangeResult(ChangeOutcome.Done, listing);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ChangeResult(ChangeOutcome.Conflict, listing);
        }
    }

    /// <summary>
    /// Adds a new listing and its Listed or Relisted event to <paramref name="db"/>.
    /// </summary>
    private (Listing Listing, ListingEventKind Kind) AddListing(PortalDbContext db, ListingDraft draft, int earlierListings,
        int recentlyEnded, Actor actor, string? clientAddress, DateTimeOffset now)
    {
        var (listing, kind) = NewListing(draft, earlierListings, recentlyEnded, now);
        db.Listings.Add(listing);
        db.ListingEvents.Add(ListingEvent.For(listing, kind, actor, now, clientAddress, draft.Detail.Trim()));
        return (listing, kind);
    }

    /// <summary>
    /// A new listing of <paramref name="draft"/> and the kind of its first event: the lifetime escalates with the
    /// earlier listings of the same network that ended within the relist window.
    /// </summary>
    private (Listing Listing, ListingEventKind Kind) NewListing(ListingDraft draft, int earlierListings, int recentlyEnded, DateTimeOffset now)
    {
        var listing = Listing.Create(draft.Network, draft.Reason, draft.Detail.Trim(), now);
        listing.Evidence = draft.Evidence;
        listing.Source = draft.Source;
        listing.SelfServiceAllowed = draft.SelfServiceAllowed;
        listing.TimesListedBefore = earlierListings;
        listing.ExpiresAt = draft.Permanent ? null : draft.ExpiresAt ?? now + policy.LifetimeFor(recentlyEnded);
        return (listing, earlierListings == 0 ? ListingEventKind.Listed : ListingEventKind.Relisted);
    }

    private static ListingDraftError Validate(ListingDraft draft, DateTimeOffset now) => draft switch
    {
        _ when string.IsNullOrWhiteSpace(draft.Detail) => ListingDraftError.DetailMissing,
        _ when draft.Detail.Trim().Length > Listing.MaxDetailLength => ListingDraftError.DetailTooLong,
        _ when !Enum.IsDefined(draft.Reason) => ListingDraftError.UnknownReason,
        _ when draft.ExpiresAt <= now => ListingDraftError.ExpiryInThePast,
        _ when draft.Evidence.HeloName?.Length > ListingEvidence.MaxHeloNameLength => ListingDraftError.HeloNameTooLong,
        _ when draft.Evidence.SampleCount < 0 => ListingDraftError.NegativeSampleCount,
        _ => ListingDraftError.None,
    };

    /// <summary>What an import needs to know of a network's earlier listings, as stored (status name, end in Unix milliseconds).</summary>
    private sealed record EarlierListing(string RangeStart, string RangeEnd, string Status, long? EndedAt);

    private static string Show(DateTimeOffset? value) => value?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "never";
}
