using System.Data.Common;
using System.Runtime.CompilerServices;
using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace DelistPortal.Blocklist.Index;

/// <summary>
/// Keeps the in-memory index in step with the database: every saved change to a <see cref="Listing"/>, whichever
/// code made it, reaches the index once it is committed — right after SaveChanges, or at the commit of an explicit
/// transaction (and never after a rollback). Changes made with ExecuteUpdate/raw SQL bypass it: don't use them on
/// listings, except for inserts announced with <see cref="InsertedWithSql"/> (the import's batch insert).
/// </summary>
public sealed class ListingIndexSynchronizer(BlocklistIndex index) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    // Per context (a context serves one operation at a time): listings being saved, and listings saved inside an
    // explicit transaction that has not committed yet. SaveChanges' own internal transaction also raises
    // TransactionCommitted, before the saved values (new ids) are in place, so only SavedChanges moves listings on.
    private readonly ConditionalWeakTable<DbContext, Pending> _pending = new();

    private sealed class Pending
    {
        public List<Listing> Saving { get; } = [];

        public List<Listing> AwaitingCommit { get; } = [];

        /// <summary>New listings written with SQL in the open transaction: untracked, so applied as they are.</summary>
        public List<Listing> InsertedAwaitingCommit { get; } = [];
    }

    /// <summary>
    /// Announces listings inserted with SQL, not SaveChanges, in <paramref name="context"/>'s open transaction: each
    /// synchronizer of the context applies them when that transaction commits, like the listings it saw being saved.
    /// </summary>
    public static void InsertedWithSql(DbContext context, IEnumerable<Listing> listings)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Listings inserted with SQL must be announced inside the transaction that inserts them.");
        }
        var synchronizers = context.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors?
            .OfType<ListingIndexSynchronizer>().ToList() ?? [];
        if (synchronizers.Count == 0)
        {
            return;
        }
        var inserted = listings.ToList();
        foreach (var synchronizer in synchronizers)
        {
            synchronizer._pending.GetOrCreateValue(context).InsertedAwaitingCommit.AddRange(inserted);
        }
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context, p => p.Saving);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context, p => p.Saving);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => RolledBack(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        RolledBack(eventData.Context);
        return Task.CompletedTask;
    }

    /// <summary>Loads every active listing from the database: the index is rebuilt at each start.</summary>
    public async Task LoadAsync(PortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await db.Listings.AsNoTracking()
            .Where(l => l.Status == ListingStatus.Active && (l.ExpiresAt == null || l.ExpiresAt > now))
            .Select(l => new { l.Id, l.Network, l.Reason, l.ExpiresAt })
            .ToListAsync(cancellationToken);
        index.Load(rows.Select(r => new IndexEntry(r.Id, IpNetwork.Parse(r.Network), r.Reason, r.ExpiresAt)));
    }

    private void Collect(DbContext? context)
    {
        if (context is null)
        {
            return;
        }
        _pending.GetOrCreateValue(context).Saving.AddRange(context.ChangeTracker.Entries<Listing>()
            .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .Select(e => e.Entity));
    }

    private void Saved(DbContext? context)
    {
        if (context is null || !_pending.TryGetValue(context, out var pending))
        {
            return;
        }
        if (context.Database.CurrentTransaction is null)
        {
            Apply(context, pending.Saving, []);
        }
        else
        {
            pending.AwaitingCommit.AddRange(pending.Saving);
        }
        pending.Saving.Clear();
    }

    private void Committed(DbContext? context)
    {
        if (context is not null && _pending.TryGetValue(context, out var pending))
        {
            Apply(context, pending.AwaitingCommit, pending.InsertedAwaitingCommit);
            pending.AwaitingCommit.Clear();
            pending.InsertedAwaitingCommit.Clear();
        }
    }

    private void RolledBack(DbContext? context)
    {
        Forget(context, p => p.AwaitingCommit);
        Forget(context, p => p.InsertedAwaitingCommit);
    }

    /// <summary>One call to the index for everything a save or a transaction committed.</summary>
    private void Apply(DbContext context, List<Listing> saved, List<Listing> inserted)
    {
        if (saved.Count == 0 && inserted.Count == 0)
        {
            return;
        }
        var upserts = new List<IndexEntry>(saved.Count + inserted.Count);
        var removals = new List<int>();
        foreach (var listing in saved)
        {
            // Ended or deleted listings leave the index; active ones are added or replaced.
            if (listing.Status == ListingStatus.Active && context.Entry(listing).State != EntityState.Detached)
            {
                upserts.Add(Entry(listing));
            }
            else
            {
                removals.Add(listing.Id);
            }
        }
        foreach (var listing in inserted)
        {
            if (listing.Status == ListingStatus.Active)
            {
                upserts.Add(Entry(listing));
            }
        }
        index.Apply(upserts, removals);
    }

    private static IndexEntry Entry(Listing listing) => new(listing.Id, listing.IpNetwork, listing.Reason, listing.ExpiresAt);

    private void Forget(DbContext? context, Func<Pending, List<Listing>> part)
    {
        if (context is not null && _pending.TryGetValue(context, out var pending))
        {
            part(pending).Clear();
        }
    }
}
