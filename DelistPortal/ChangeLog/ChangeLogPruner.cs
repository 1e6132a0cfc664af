using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DelistPortal.ChangeLog;

/// <summary>
/// Deletes change-log entries older than <see cref="ChangeLogOptions.Retention"/>. A starting process needs none of
/// them (it loads the tables), so the log only has to reach back as far as a running process may lag. The horizon is
/// moved in the same transaction, so a process that lags further finds out and reloads instead of skipping.
/// </summary>
public sealed class ChangeLogPruner(
    IDbContextFactory<PortalDbContext> dbFactory,
    IOptions<ChangeLogOptions> options,
    TimeProvider time,
    ILogger<ChangeLogPruner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PruneInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var pruned = await PruneAsync(stoppingToken);
                if (pruned > 0)
                {
                    logger.LogInformation("Pruned {Count} change-log entries older than {Retention}", pruned, options.Value.Retention);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Pruning the change log failed; trying again at the next interval");
            }
        }
    }

    /// <summary>Deletes the old entries; two workers doing it at once delete each entry once.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken = default)
    {
        var before = (time.GetUtcNow() - options.Value.Retention).ToUnixTimeMilliseconds();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var through = await db.ChangeLog.Where(e => e.At < before).MaxAsync(e => (long?)e.Position, cancellationToken);
        if (through is null)
        {
            return 0;
        }
        await db.ChangeLogHorizon.Where(h => h.PrunedThrough < through).ExecuteUpdateAsync(h => h.SetProperty(x => x.PrunedThrough, through.Value), cancellationToken);
        var deleted = await db.ChangeLog.Where(e => e.Position <= through).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }
}
