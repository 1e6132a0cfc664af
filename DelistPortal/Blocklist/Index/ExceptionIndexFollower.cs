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
    internal static Task LoadActiveAsync(PortalDbContext db, IndexLoad load, long nowUnixMilliseconds, CancellationToken cancellationToken) =>
        ReadActiveAsync(db, $"(\"ExpiresAt\" IS NULL OR \"ExpiresAt\" > {nowUnixMilliseconds})",
            (id, start, prefix, expires) => load.AddException(id, start, prefix, expires), cancellationToken);

    /// <summary>Plain SQL with the ids written in, as the listings' follower: no query to compile on a sender's click.</summary>
    public async Task ApplyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var ids = keys.Select(k => int.Parse(k, CultureInfo.InvariantCulture)).ToList();
        var upserts = new IndexLoad();
        var removals = new List<int>();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        foreach (var chunk in ids.Chunk(ReadChunk))
        {
            var active = new HashSet<int>();
            await ReadActiveAsync(db, $"\"Id\" IN ({string.Join(',', chunk)})", (id, start, prefix, expires) =>
            {
                upserts.AddException(id, start, prefix, expires);
                active.Add(id);
            }, cancellationToken);
            removals.AddRange(chunk.Where(id => !active.Contains(id)).Select(IndexEntry.IdOfException));
        }
        index.Apply(upserts, removals);
    }

    /// <summary>The active exceptions that also meet <paramref name="condition"/> (SQL written by this class only).</summary>
    private static async Task ReadActiveAsync(PortalDbContext db, string condition, Action<int, string, int, long?> handle, CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"SELECT \"Id\", \"RangeStart\", \"PrefixLength\", \"ExpiresAt\" FROM \"ListingExceptions\" WHERE \"Status\" = 'Active' AND {condition}";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            handle(reader.GetInt32(0), reader.GetString(1), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetInt64(3));
        }
    }
}
