using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DelistPortal.ChangeLog;

/// <summary>
/// Tails the change log for this process: at start it reads the log's position and then loads every subscriber's
/// state; afterwards it applies each newer entry once, in order. This process's own commits wake it at once (and the
/// committing call waits for it: <see cref="ChangeLogCommitSignal"/>); other processes' commits are found by polling
/// every <see cref="ChangeLogOptions.PollInterval"/>. See docs/decisions/006-change-log.md.
/// </summary>
public sealed class ChangeLogFollower(
    IDbContextFactory<PortalDbContext> dbFactory,
    IEnumerable<IChangeLogSubscriber> subscribers,
    IOptions<ChangeLogOptions> options,
    ILogger<ChangeLogFollower> logger) : BackgroundService
{
    /// <summary>Entries read in one query: an import of a million rows on another process arrives in slices.</summary>
    internal const int BatchSize = 20_000;

    private readonly IReadOnlyDictionary<string, IChangeLogSubscriber> _subscribers = subscribers.ToDictionary(s => s.Topic);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private long _position = NotLoaded;
    private long _requested;
    private long _served;

    private const long NotLoaded = -1;

    /// <summary>The last entry applied; -1 before <see cref="LoadAsync"/>.</summary>
    public long Position => Interlocked.Read(ref _position);

    /// <summary>Reads the position, loads every subscriber, then applies what committed meanwhile.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await ReloadAsync(cancellationToken, fromSnapshot: true);
            await ApplyNewEntriesAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Applies every entry committed before this call. Concurrent callers share one read: a caller returns as soon
    /// as a read that started after its call has finished.
    /// </summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken = default)
    {
        var ticket = Interlocked.Increment(ref _requested);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Interlocked.Read(ref _served) >= ticket || Position == NotLoaded)
            {
                return;
            }
            var covered = Interlocked.Read(ref _requested);
            await ApplyNewEntriesAsync(cancellationToken);
            Interlocked.Exchange(ref _served, covered);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="capture"/> between two applications of the log and returns what it read with the position
    /// applied so far: the subscribers' state it reads is that position's. Null before the first load.
    /// </summary>
    public async Task<(long Position, T State)?> CaptureAsync<T>(Func<T> capture, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return Position == NotLoaded ? null : (Position, capture());
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Asks the background loop to catch up now, without waiting for it.</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken: one catch-up covers both.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.PollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = TimeSpan.Zero;
            try
            {
                await _wake.WaitAsync(interval, stoppingToken);
                await CatchUpAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The next round reads from the same position: nothing is skipped, it only arrives later.
                logger.LogError(ex, "Following the change log failed at position {Position}; trying again in a second", Position);
                delay = TimeSpan.FromSeconds(1);
            }
            if (delay > TimeSpan.Zero && !await DelayAsync(delay, stoppingToken))
            {
                return;
            }
        }
    }

    private static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <param name="fromSnapshot">
    /// At start: a subscriber with a usable snapshot loads it instead, and the position goes back to the snapshot's,
    /// so every entry after it is applied (again, for the others: harmless).
    /// </param>
    private async Task ReloadAsync(CancellationToken cancellationToken, bool fromSnapshot = false)
    {
        long position;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            // Read before the state: a change that commits in between is after this position, so it is applied again.
            // An empty log (all pruned) starts after the horizon; positions are never reused.
            position = Math.Max(
                await db.ChangeLog.MaxAsync(e => (long?)e.Position, cancellationToken) ?? 0,
                await db.ChangeLogHorizon.OrderBy(h => h.Id).Select(h => h.PrunedThrough).FirstOrDefaultAsync(cancellationToken));
        }
        var loadedFrom = position;
        foreach (var subscriber in _subscribers.Values)
        {
            if (fromSnapshot && subscriber is IChangeLogSnapshotSubscriber saved
                && await saved.TryLoadSnapshotAsync(position, cancellationToken) is { } snapshotPosition)
            {
                loadedFrom = Math.Min(loadedFrom, snapshotPosition);
                logger.LogInformation("{Topic}: loaded from the snapshot at position {Snapshot}; catching up to {Position}", subscriber.Topic, snapshotPosition, position);
                continue;
            }
            await subscriber.LoadAsync(cancellationToken);
        }
        Interlocked.Exchange(ref _position, loadedFrom);
    }

    private async Task ApplyNewEntriesAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var position = Position;
            List<(long Position, string Topic, string Key)> entries;
            long prunedThrough;
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            {
                entries = (await db.ChangeLog.AsNoTracking()
                        .Where(e => e.Position > position)
                        .OrderBy(e => e.Position)
                        .Take(BatchSize)
                        .Select(e => new { e.Position, e.Topic, e.Key })
                        .ToListAsync(cancellationToken))
                    .Select(e => (e.Position, e.Topic, e.Key)).ToList();
                // Read after the entries: if the pruner deleted entries this process had not read yet, it shows here.
                prunedThrough = await db.ChangeLogHorizon.OrderBy(h => h.Id).Select(h => h.PrunedThrough).FirstOrDefaultAsync(cancellationToken);
            }
            if (prunedThrough > position)
            {
                logger.LogWarning("This process fell behind the pruned change log ({Position} < {PrunedThrough}); reloading everything", position, prunedThrough);
                await ReloadAsync(cancellationToken);
                continue;
            }
            if (entries.Count == 0)
            {
                return;
            }
            foreach (var topic in entries.GroupBy(e => e.Topic))
            {
                if (_subscribers.TryGetValue(topic.Key, out var subscriber))
                {
                    // Each key once, where it changed last.
                    var keys = topic.Reverse().Select(e => e.Key).Distinct().Reverse().ToList();
                    await subscriber.ApplyAsync(keys, cancellationToken);
                }
            }
            Interlocked.Exchange(ref _position, entries[^1].Position);
            if (entries.Count < BatchSize)
            {
                return;
            }
        }
    }

    public override void Dispose()
    {
        _gate.Dispose();
        _wake.Dispose();
        base.Dispose();
    }
}
