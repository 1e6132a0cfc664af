using DelistPortal.ChangeLog;
using DelistPortal.Data;
using Microsoft.Extensions.Options;

namespace DelistPortal.Blocklist.Index;

/// <summary>
/// Keeps the index snapshot file (<see cref="IndexSnapshotFile"/>) near the change log's end, in the worker role: every
/// <see cref="ChangeLogOptions.SnapshotInterval"/>, when the log moved since the last file, it reads the log's last
/// entry and then the active listings (as a start does: whatever commits in between is after that entry, and a
/// process that starts from the file applies it again), and replaces the file. A read costs about as much as a
/// start's load (~2 s of one core at a million listings). A host without the worker role that serves the DNSBL runs
/// one too (<paramref name="onlyForThisHostsOwnFile"/>), which writes only a file no other host writes (PostgreSQL's).
/// </summary>
public sealed class IndexSnapshotWriter(
    IndexSnapshotFile snapshots,
    ListingIndexFollower listings,
    IOptions<ChangeLogOptions> options,
    TimeProvider time,
    ILogger<IndexSnapshotWriter> logger,
    bool onlyForThisHostsOwnFile = false) : BackgroundService
{
    private long _written = -1;

    /// <summary>Writes a snapshot unless the log has not moved since the last one; returns whether it wrote.</summary>
    public async Task<bool> WriteAsync(CancellationToken cancellationToken)
    {
        if (snapshots.Path is null || await snapshots.LastEntryAsync(cancellationToken) is not { } last || last.Position == _written)
        {
            return false;
        }
        var started = time.GetTimestamp();
        var load = await listings.ReadActiveAsync(cancellationToken);
        await snapshots.WriteAsync(last, load, cancellationToken);
        _written = last.Position;
        logger.LogInformation("Wrote the index snapshot at position {Position} ({Count} entries) in {Elapsed:0} ms",
            last.Position, load.Count, time.GetElapsedTime(started).TotalMilliseconds);
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.SnapshotInterval;
        // On SQLite the file beside the database is every process's, and the worker keeps it.
        if (interval <= TimeSpan.Zero || (onlyForThisHostsOwnFile && !snapshots.ThisHostsOwn))
        {
            return;
        }
        // Not at once: the start has just read the same rows, and the first minute of a process is busy enough.
        var delay = TimeSpan.FromSeconds(Math.Min(30, interval.TotalSeconds));
        while (true)
        {
            try
            {
                await Task.Delay(delay, time, stoppingToken);
                if (await WriteAsync(stoppingToken))
                {
                    // The read's rows and SQLite's page cache: without this the portal's steady memory grew by about
                    // 40 MB after each snapshot. Here, once WriteAsync has returned and nothing of it is on the stack.
                    NativeMemory.ReleaseAfterLargeWork();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A missing or old snapshot only makes the next start read the table.
                logger.LogWarning(ex, "Could not write the index snapshot");
            }
            delay = interval;
        }
    }
}
