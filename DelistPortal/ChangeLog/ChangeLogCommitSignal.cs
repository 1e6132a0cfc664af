using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace DelistPortal.ChangeLog;

/// <summary>
/// Wakes this process's <see cref="ChangeLogFollower"/> when any of its database work commits: a SaveChanges that
/// committed by itself, an explicit transaction, or a statement run outside one (ExecuteUpdate, raw SQL). It carries
/// no data — what changed is read from the log. The asynchronous paths wait for the follower, so the caller's next
/// lookup (the DNSBL, the status page) already sees its own change; synchronous ones only wake it.
/// </summary>
public sealed class ChangeLogCommitSignal(Func<ChangeLogFollower?> follower) : SaveChangesInterceptor, IDbTransactionInterceptor, IDbCommandInterceptor
{
    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (CommittedByItself(eventData.Context))
        {
            follower()?.Wake();
        }
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (CommittedByItself(eventData.Context))
        {
            await CatchUpAsync();
        }
        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => follower()?.Wake();

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        CatchUpAsync();

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        if (CommittedByItself(eventData.Context))
        {
            follower()?.Wake();
        }
        return result;
    }

    public async ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (CommittedByItself(eventData.Context))
        {
            await CatchUpAsync();
        }
        return result;
    }

    // Inside a transaction nothing is visible yet: its commit signals instead. (SaveChanges' own transaction, when
    // it opens one, has ended by SavedChanges; its commit already signalled, and the follower merges the two.)
    private static bool CommittedByItself(DbContext? context) => context is not null && context.Database.CurrentTransaction is null;

    private async Task CatchUpAsync()
    {
        if (follower() is { } running)
        {
            // The commit has happened whatever the caller's token says now: finish applying it.
            await running.CatchUpAsync(CancellationToken.None);
        }
    }
}
