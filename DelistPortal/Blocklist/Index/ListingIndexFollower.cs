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

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var rows = db.Listings.AsNoTracking()
            .Where(l => l.Status == ListingStatus.Active && (l.ExpiresAt == null || l.ExpiresAt > now))
            .Select(l => new { l.Id, l.Network, l.Reason, l.ExpiresAt })
            .AsAsyncEnumerable();
        var entries = new List<IndexEntry>();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            entries.Add(new IndexEntry(row.Id, IpNetwork.Parse(row.Network), row.Reason, row.ExpiresAt));
        }
        index.Load(entries);
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
