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
    TimeProvider time) : IChangeLogSubscriber
{
    // SQLite binds at most 32,766 parameters; EF sends a list of ids as one JSON parameter, but keep reads modest.
    private const int ReadChunk = 5_000;

    public string Topic => ChangeLogTopics.Listing;

    /// <summary>
    /// Reads the active listings in a few slices of the id range at once (one connection and core each), each slice in
    /// table order rather than through an index (at start most rows are wanted, and a sequential read beats a lookup
    /// per row), and builds the index from the stored range start and prefix: no entity, parsed address or reason
    /// name is kept per row.
    /// </summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
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
        index.Load(load);
    }

    private static readonly string ReasonCase = string.Join(' ', Enum.GetValues<ListingReason>().Select(r => $"WHEN '{r}' THEN {(int)r}"));

    private async Task<IndexLoad> ReadSliceAsync(long from, long to, long now, CancellationToken cancellationToken)
    {
        var load = new IndexLoad();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        // An unknown reason (a row written by hand) still blocks, as Manual; the rowid range keeps the read in order.
        command.CommandText = $"""
            SELECT Id, RangeStart, PrefixLength, CASE Reason {ReasonCase} ELSE {(int)ListingReason.Manual} END, ExpiresAt
            FROM Listings NOT INDEXED
            WHERE Id BETWEEN {from} AND {to} AND Status = '{nameof(ListingStatus.Active)}' AND (ExpiresAt IS NULL OR ExpiresAt > {now})
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            load.Add(reader.GetInt32(0), reader.GetString(1), reader.GetInt32(2), (ListingReason)reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetInt64(4));
        }
        return load;
    }

    public async Task ApplyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var ids = keys.Select(k => int.Parse(k, CultureInfo.InvariantCulture)).ToList();
        var upserts = new List<IndexEntry>();
        var removals = new List<int>();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var chunk in ids.Chunk(ReadChunk))
        {
            var rows = await db.Listings.AsNoTracking()
                .Where(l => chunk.Contains(l.Id))
                .Select(l => new { l.Id, l.Network, l.Reason, l.ExpiresAt, l.Status })
                .ToDictionaryAsync(l => l.Id, cancellationToken);
            foreach (var id in chunk)
            {
                if (rows.TryGetValue(id, out var row) && row.Status == ListingStatus.Active)
                {
                    upserts.Add(new IndexEntry(row.Id, IpNetwork.Parse(row.Network), row.Reason, row.ExpiresAt));
                }
                else
                {
                    removals.Add(id);
                }
            }
        }
        index.Apply(upserts, removals);
    }
}
