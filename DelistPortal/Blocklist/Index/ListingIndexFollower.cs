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
    /// Reads every listing in one pass over the table (no index: at start most rows are wanted, and a sequential read
    /// beats a lookup per row) and builds the index from the stored range start and prefix, with no entity, parsed
    /// address or reason name kept per row. The active range exceptions are read too: a load replaces the whole index,
    /// so it loads everything the index holds (<see cref="ExceptionIndexFollower"/> only applies changes).
    /// </summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var load = new IndexLoad();
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync(cancellationToken);
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT Id, RangeStart, PrefixLength, Reason, ExpiresAt, Status FROM Listings";
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                var active = nameof(ListingStatus.Active);
                var reasons = Enum.GetValues<ListingReason>().ToDictionary(r => r.ToString());
                while (await reader.ReadAsync(cancellationToken))
                {
                    long? expires = reader.IsDBNull(4) ? null : reader.GetInt64(4);
                    if (reader.GetString(5) != active || expires <= now)
                    {
                        continue;
                    }
                    var reason = reasons.TryGetValue(reader.GetString(3), out var known) ? known : ListingReason.Manual;
                    load.Add(reader.GetInt32(0), reader.GetString(1), reader.GetInt32(2), reason, expires);
                }
            }
            await ExceptionIndexFollower.LoadActiveAsync(db, load, now, cancellationToken);
        }
        index.Load(load);
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
