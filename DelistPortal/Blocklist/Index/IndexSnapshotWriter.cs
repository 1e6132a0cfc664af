using DelistPortal.ChangeLog;
using DelistPortal.Data;
using Microsoft.Extensions.Options;

namespace DelistPortal.Blocklist.Index;

/// <summary>
/// Keeps the index snapshot file (<see cref="IndexSnapshotFile"/>) near the change log's end, in the worker role: every
/// <see cref="ChangeLogOptions.SnapshotInterval"/>, when the log moved since the last file, it replaces the file. It
/// writes this process's own index, taken between two applications of the log with the position applied so far: a few
/// milliseconds of reading and no garbage. Without an index loaded here (or when that position's entry is gone) it reads
/// the log's last entry and then the active listings, as a start does (whatever commits in between is after that entry,
/// and a process that starts from the file applies it again): about as much as a start's load, ~2 s of CPU at a million
/// listings, which slowed a sender's delist that came meanwhile. A host without the worker role that serves the DNSBL
/// runs one too (<paramref name="onlyForThisHostsOwnFile"/>), which writes only a file no other host writes (PostgreSQL's).
/// </summary>
public sealed class IndexSnapshotWriter(
    IndexSnapshotFile snapshots,
    ListingIndexFollower listings,
    IOptions<ChangeLogOptions> options,
    TimeProvider time,
    ILogger<IndexSnapshotWriter> logger,
    bool onlyForThisHostsOwnFile = false,
    BlocklistIndex? index = null,
    ChangeLogFollower? follower = null) : BackgroundService
{
    private long _written = -1;

    /// <summary>Writes a snapshot unless the log has not moved since the last one; returns whether it wrote.</summary>
    public async Task<bool> WriteAsync(CancellationToken cancellationToken) => await WriteOnceAsync(cancellationToken) is not Written.Nothing;

    private enum Written
    {
        Nothing,
        FromTheIndex,
        FromTheTable,
    }

    private async Task<Written> WriteOnceAsync(CancellationToken cancellationToken)
    {
        if (snapshots.Path is null)
        {
            return Written.Nothing;
        }
        var started = time.GetTimestamp();
        if (index is not null && follower is not null && await follower.CaptureAsync(() => index.Current, cancellationToken) is { } captured)
        {
            if (captured.Position == _written)
            {
                return Written.Nothing;
            }
            if (await snapshots.EntryAtAsync(captured.Position, cancellationToken) is { } at)
            {
                await snapshots.WriteAsync(at, captured.State, cancellationToken);
                Wrote(at.Position, captured.State.Count, "this process's index", started);
                return Written.FromTheIndex;
            }
        }
        if (await snapshots.LastEntryAsync(cancellationToken) is not { } last || last.Position == _written)
        {
            return Written.Nothing;
        }
        var load = await listings.ReadActiveAsync(cancellationToken);
        await snapshots.WriteAsync(last, load, cancellationToken);
        Wrote(last.Position, load.Count, "the table", started);
        return Written.FromTheTable;
    }

    private void Wrote(long position, int count, string source, long started)
    {
        _written = position;
        logger.LogInformation("Wrote the index snapshot at position {Position} ({Count} entries) from {Source} in {Elapsed:0} ms",
            position, count, source, time.GetElapsedTime(started).TotalMilliseconds);
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
                if (await WriteOnceAsync(stoppingToken) == Written.FromTheTable)
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
