using System.Globalization;
using DelistPortal.ChangeLog;
using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Blocklist.Index;

/// <summary>
/// Keeps the in-memory <see cref="BlocklistIndex"/> equal to the database's active listings: loads them at start and
/// applies each listing the change log names by reading its current row — active ones are added or replaced, ended
/// or deleted ones leave. Whoever changed the row (this process, another one, plain SQL) does not matter.
/// </summary>
public sealed class ListingIndexFollower(
    IDbContextFactory<PortalDbContext> dbFactory,
    BlocklistIndex index,
    TimeProvider time,
    IndexSnapshotFile? snapshots = null) : IChangeLogSnapshotSubscriber
{
    /// <summary>
    /// A snapshot further behind the log than this is not used: applying that many entries one listing at a time
    /// takes longer than reading the table.
    /// </summary>
    internal const long MaxSnapshotLag = 200_000;

    // Ids per statement when applying changes: an import on another process arrives 20,000 entries at a time.
    private const int ReadChunk = 5_000;

    private static readonly string ReasonCase = string.Join(' ', Enum.GetValues<ListingReason>().Select(r => $"WHEN '{r}' THEN {(int)r}"));

    // The columns both reads map; an unknown reason (a row written by hand) still blocks, as Manual. Quoted names:
    // the same SQL on SQLite and PostgreSQL.
    private static readonly string Columns =
        $"\"Id\", \"RangeStart\", \"PrefixLength\", CASE \"Reason\" {ReasonCase} ELSE {(int)ListingReason.Manual} END, \"ExpiresAt\", \"Status\" = '{nameof(ListingStatus.Active)}'";

    public string Topic => ChangeLogTopics.Listing;

    /// <summary>
    /// Reads the active listings in a few slices of the id range at once (one connection and core each), each slice in
    /// table order rather than through an index (at start most rows are wanted, and a sequential read beats a lookup
    /// per row), and builds the index from the stored range start and prefix: no entity, parsed address or reason
    /// name is kept per row. The active range exceptions are read too: a load replaces the whole index, so it loads
    /// everything the index holds (<see cref="ExceptionIndexFollower"/> only applies changes).
    /// </summary>
    public async Task LoadAsync(CancellationToken cancellationToken) => index.Load(await ReadActiveAsync(cancellationToken));

    /// <summary>
    /// Loads the index from the snapshot file (<see cref="IndexSnapshotFile"/>) when there is a usable one not too far
    /// behind <paramref name="logPosition"/>, and returns the position it covers; null when it did not load.
    /// </summary>
    public async Task<long?> TryLoadSnapshotAsync(long logPosition, CancellationToken cancellationToken)
    {
        if (snapshots is null || await snapshots.TryReadAsync(cancellationToken) is not { } snapshot
            || snapshot.Position > logPosition || logPosition - snapshot.Position > MaxSnapshotLag)
        {
            return null;
        }
        index.Load(snapshot.Load);
        return snapshot.Position;
    }

    /// <summary>Reads what <see cref="LoadAsync"/> loads, without loading it (for the snapshot file).</summary>
    internal async Task<IndexLoad> ReadActiveAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        int? first, last;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            first = await db.Listings.MinAsync(l => (int?)l.Id, cancellationToken);
            last = await db.Listings.MaxAsync(l => (int?)l.Id, cancellationToken);
        }
        var load = new IndexLoad();
        if (first is { } from && last is { } to)
        {
            var slices = (long)to - from < 50_000 ? 1 : Math.Clamp(Environment.ProcessorCount, 1, 4);
            var size = ((long)to - from) / slices + 1;
            var parts = await Task.WhenAll(Enumerable.Range(0, slices).Select(i =>
                Task.Run(() => ReadSliceAsync(from + i * size, Math.Min(to, from + (i + 1) * size - 1), now, cancellationToken), cancellationToken)));
            load = IndexLoad.Combine(parts);
        }
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            await ExceptionIndexFollower.LoadActiveAsync(db, load, now, cancellationToken);
        }
        return load;
    }

    /// <summary>
    /// Applies the current rows of the listings named: active ones are added or replaced, ended or missing ones leave.
    /// Plain SQL with the ids written in (integers), like the load: no query to compile on the first change a
    /// process sees, which is often a sender's delist waiting for its answer.
    /// </summary>
    public async Task ApplyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var ids = keys.Select(k => int.Parse(k, CultureInfo.InvariantCulture)).ToList();
        var upserts = new IndexLoad();
        var removals = new List<int>();
        foreach (var chunk in ids.Chunk(ReadChunk))
        {
            var active = new HashSet<int>();
            await ReadAsync(_ => $"SELECT {Columns} FROM \"Listings\" WHERE \"Id\" IN ({string.Join(',', chunk)})", (id, start, prefix, reason, expires, isActive) =>
            {
                if (isActive)
                {
                    upserts.Add(id, start, prefix, reason, expires);
                    active.Add(id);
                }
            }, cancellationToken);
            removals.AddRange(chunk.Where(id => !active.Contains(id)));
        }
        index.Apply(upserts, removals);
    }

    private async Task<IndexLoad> ReadSliceAsync(long from, long to, long now, CancellationToken cancellationToken)
    {
        var load = new IndexLoad();
        // The rowid range keeps the read in table order; NOT INDEXED keeps SQLite from visiting rows through an index.
        await ReadAsync(sqlite => $"""
            SELECT {Columns} FROM "Listings" {(sqlite ? "NOT INDEXED" : "")}
            WHERE "Id" BETWEEN {from} AND {to} AND "Status" = '{nameof(ListingStatus.Active)}' AND ("ExpiresAt" IS NULL OR "ExpiresAt" > {now})
            """, (id, start, prefix, reason, expires, _) => load.Add(id, start, prefix, reason, expires), cancellationToken);
        return load;
    }

    private delegate void RowHandler(int id, string rangeStart, int prefixLength, ListingReason reason, long? expiresAt, bool active);

    /// <param name="sql">The statement, given whether the database is SQLite (which takes a plan hint).</param>
    private async Task ReadAsync(Func<bool, string> sql, RowHandler handle, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql(db.Database.IsSqlite());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            handle(reader.GetInt32(0), reader.GetString(1), reader.GetInt32(2), (ListingReason)reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetInt64(4), reader.GetBoolean(5));
        }
    }
}
