using System.Globalization;
using DelistPortal.ChangeLog;
using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Blocklist.Index;

/// <summary>
/// Keeps the range exceptions in the <see cref="BlocklistIndex"/> equal to the database's active ones (change-log
/// topic "Exception"): each exception the log names is read again; an active one is added or replaced (as an entry
/// with a negative id, holding until its range's expiry), an ended or missing one leaves.
/// </summary>
public sealed class ExceptionIndexFollower(IDbContextFactory<PortalDbContext> dbFactory, BlocklistIndex index) : IChangeLogSubscriber
{
    private const int ReadChunk = 5_000;

    public string Topic => ChangeLogTopics.Exception;

    /// <summary>
    /// Nothing of its own: <see cref="ListingIndexFollower.LoadAsync"/> loads the exceptions with the listings, since a
    /// load replaces the whole index and two loads would each erase the other's entries.
    /// </summary>
    public Task LoadAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Adds the active exceptions to a load of the whole index.</summary>
    internal static async Task LoadActiveAsync(PortalDbContext db, IndexLoad load, long nowUnixMilliseconds, CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "SELECT Id, RangeStart, PrefixLength, ExpiresAt FROM ListingExceptions WHERE Status = 'Active'";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            long? expires = reader.IsDBNull(3) ? null : reader.GetInt64(3);
            if (expires <= nowUnixMilliseconds)
            {
                continue;
            }
            load.AddException(reader.GetInt32(0), reader.GetString(1), reader.GetInt32(2), expires);
        }
    }

    public async Task ApplyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var ids = keys.Select(k => int.Parse(k, CultureInfo.InvariantCulture)).ToList();
        var upserts = new List<IndexEntry>();
        var removals = new List<int>();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var chunk in ids.Chunk(ReadChunk))
        {
            var rows = await db.ListingExceptions.AsNoTracking()
                .Where(e => chunk.Contains(e.Id))
                .Select(e => new { e.Id, e.Network, e.ExpiresAt, e.Status })
                .ToDictionaryAsync(e => e.Id, cancellationToken);
            foreach (var id in chunk)
            {
                if (rows.TryGetValue(id, out var row) && row.Status == ListingExceptionStatus.Active)
                {
                    upserts.Add(IndexEntry.Exception(row.Id, IpNetwork.Parse(row.Network), row.ExpiresAt));
                }
                else
                {
                    removals.Add(IndexEntry.IdOfException(id));
                }
            }
        }
        index.Apply(upserts, removals);
    }
}
