using System.Data.Common;
using System.Text;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DelistPortal.Tests.Admin;

/// <summary>
/// Imports run as jobs: in the background to the end, one at a time across processes that share the database (each
/// "process" here has its own services and connections on the same file), with a lease that a dead process stops
/// renewing.
/// </summary>
public class ImportJobsTests : IAsyncLifetime
{
    private readonly DelistingHarness _harness;
    private readonly List<ImportProcess> _processes = [];

    public ImportJobsTests()
        : this(DatabaseProvider.Sqlite)
    {
    }

    protected ImportJobsTests(DatabaseProvider provider) => _harness = new(provider);

    /// <summary>What the import jobs logged.</summary>
    internal LogCapture Logs { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            process.Gate.TrySetResult();
            await process.Jobs.StopAsync(CancellationToken.None);
            process.Jobs.Dispose();
        }
        _harness.Dispose();
    }

    [Fact]
    public async Task AnImportRunsInTheBackgroundToTheEndAndIsRecorded()
    {
        var process = Process(gated: false);
        var staged = await StageAsync(process, 3_000);

        var start = await process.Jobs.StartAsync(Principals.Admin("alice"), staged, 3_000, "192.0.2.1");
        await process.Jobs.WhenIdleAsync();

        Assert.NotNull(start.Started);
        var job = await process.Jobs.LatestAsync(Principals.Viewer());
        Assert.Equal((ImportJobState.Finished, 3_000, 3_000, 0), (job!.State, job.ProcessedRows, job.Listed, job.RefusedCount));
        Assert.Equal(("alice", "listings.csv"), (job.StartedBy, job.FileName));
        Assert.False(File.Exists(staged.Path));
        await using var db = _harness.Database.CreateDbContext();
        Assert.Equal(3_000, await db.Listings.CountAsync(l => l.Source == ListingSource.Import));
        Assert.Equal(ImportJobState.Finished, (await db.ImportJobs.SingleAsync()).State);
    }

    [Fact]
    public async Task AnImportEndsWithEveryRowAnsweredByThisProcesssLookupIndex()
    {
        var csv = new StringBuilder("network,reason,detail\n");
        for (var i = 0; i < 3 * BatchRows; i++)
        {
            csv.Append($"2001:db8:{i >> 16:x}:{i & 0xffff:x}::/64,Spam,row {i}\n");
        }

        // Three batches, whose commits do not wait for this process's index (its follower is not even running here):
        // the import's end does.
        var result = await ListingImporter.ImportFileAsync(_harness.Blocklist, new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())),
            _harness.Clock.GetUtcNow(), 0, Actor.Admin("alice"), null, null, null, CancellationToken.None, BatchRows);

        Assert.Equal(3 * BatchRows, result.Listed);
        var missing = Enumerable.Range(0, 3 * BatchRows)
            .Count(i => !_harness.Index.TryFindMostSpecific(System.Net.IPAddress.Parse($"2001:db8:{i >> 16:x}:{i & 0xffff:x}::1"), out _));
        Assert.Equal(0, missing);
    }

    [Fact]
    public async Task AnImportOfACheckedFileWritesTheRowsTheCheckKeptWithoutReadingTheFileAgain()
    {
        var process = Process(gated: false);
        var staged = await StageAsync(process, 3_000);
        // A row with an error: left out, and counted in the job's summary.
        await File.AppendAllTextAsync(staged.Path, "not-an-address,Spam,bad row\n");

        var preview = await process.Jobs.CheckAsync(Principals.Viewer(), staged);
        // The job must not read the upload again: what it imports is what the preview checked.
        await File.WriteAllTextAsync(staged.Path, "network,reason,detail\n192.0.2.1,Spam,not checked\n");
        await process.Jobs.StartAsync(Principals.Admin("alice"), staged, preview.RowCount, null);
        await process.Jobs.WhenIdleAsync();

        Assert.Equal((3_000, 1), (preview.RowCount, preview.ErrorCount));
        var job = await process.Jobs.LatestAsync(Principals.Viewer());
        Assert.Equal((ImportJobState.Finished, 3_000, 3_000, 1), (job!.State, job.ProcessedRows, job.Listed, job.InvalidCount));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(staged.Path)!));
        await using var db = _harness.Database.CreateDbContext();
        Assert.Equal(3_000, await db.Listings.CountAsync(l => l.Source == ListingSource.Import));
        Assert.False(await db.Listings.AnyAsync(l => l.Detail == "not checked"));
    }

    [Fact]
    public async Task AnUploadIsCheckedWhileItArrivesAndItsImportWritesWhatTheCheckKept()
    {
        var process = Process(gated: false);
        var (head, tail) = (Csv(10_000), Csv(2_000, offset: 10_000, header: false));
        // The upload's second part is sent only once the check has kept rows of the first: a check that waited for the
        // whole upload would never see them, and the upload would fail.
        var upload = new TwoPartUpload(head, tail, () => Directory.GetFiles(_harness.Database.Folder, "*.rows", SearchOption.AllDirectories)
            .Any(f => new FileInfo(f).Length > 0));

        var uploaded = await process.Jobs.UploadAsync(Principals.Viewer(), upload, "listings.csv", null);
        var preview = await uploaded.Checked;
        Assert.Equal(head.Length + tail.Length, new FileInfo(uploaded.Staged.Path).Length);
        await process.Jobs.StartAsync(Principals.Admin("alice"), uploaded.Staged, preview.RowCount, null);
        await process.Jobs.WhenIdleAsync();

        Assert.Equal((12_000, 0), (preview.RowCount, preview.ErrorCount));
        var job = await process.Jobs.LatestAsync(Principals.Viewer());
        Assert.Equal((ImportJobState.Finished, 12_000), (job!.State, job.Listed));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(uploaded.Staged.Path)!));
    }

    [Fact]
    public async Task AnUploadCutShortLeavesNeitherTheFileNorItsCheckedRows()
    {
        var process = Process(gated: false);
        var upload = new TwoPartUpload(Csv(3_000), [], () => throw new IOException("The browser went away."));

        await Assert.ThrowsAsync<IOException>(() => process.Jobs.UploadAsync(Principals.Viewer(), upload, "listings.csv", null));

        Assert.Empty(Directory.GetFiles(Path.Combine(_harness.Database.Folder, "imports")));
    }

    [Fact]
    public async Task ADiscardedUploadLeavesNeitherTheFileNorItsCheckedRows()
    {
        var process = Process(gated: false);
        var staged = await StageAsync(process, 10);
        await process.Jobs.CheckAsync(Principals.Viewer(), staged);
        Assert.Equal(2, Directory.GetFiles(Path.GetDirectoryName(staged.Path)!).Length);

        process.Jobs.Discard(staged);

        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(staged.Path)!));
    }

    [Fact]
    public async Task ASecondImportIsRefusedWhileOneRunsInThisOrAnotherProcess()
    {
        var first = Process(gated: true);
        var second = Process(gated: false);
        var running = await first.Jobs.StartAsync(Principals.Admin("alice"), await StageAsync(first, 12_000), 12_000, null);
        Assert.NotNull(running.Started);
        // The first batch is read and waits at the gate: the import is under way.
        for (var waited = 0; first.Held.Held == 0 && waited < 200; waited++)
        {
            await Task.Delay(50);
        }
        Assert.Equal(1, first.Held.Held);

        var fromOther = await second.Jobs.StartAsync(Principals.Admin("bob"), await StageAsync(second, 10), 10, null);
        var fromSame = await first.Jobs.StartAsync(Principals.Admin("bob"), await StageAsync(first, 10), 10, null);

        Assert.Null(fromOther.Started);
        Assert.Equal(("alice", ImportJobState.Running), (fromOther.Running!.StartedBy, fromOther.Running.State));
        Assert.Null(fromSame.Started);
        var seenByOther = await second.Jobs.LatestAsync(Principals.Viewer());
        Assert.True(seenByOther is { IsRunning: true, RunsHere: false, StartedBy: "alice" });

        first.Gate.SetResult();
        await first.Jobs.WhenIdleAsync();
        var after = await second.Jobs.StartAsync(Principals.Admin("bob"), await StageAsync(second, 10, offset: 20_000), 10, null);
        await second.Jobs.WhenIdleAsync();

        Assert.NotNull(after.Started);
        await using var db = _harness.Database.CreateDbContext();
        Assert.Equal(12_010, await db.Listings.CountAsync());
    }

    [Fact]
    public async Task AJobWhoseProcessDiedStopsBlockingImportsWhenItsLeaseRunsOut()
    {
        var process = Process(gated: false);
        await using (var db = _harness.Database.CreateDbContext())
        {
            db.ImportJobs.Add(new ImportJob
            {
                State = ImportJobState.Running, FileName = "big.csv", StartedBy = "carol", Owner = "a process that died",
                StartedAt = _harness.Clock.GetUtcNow(), LeaseExpiresAt = _harness.Clock.GetUtcNow().AddMinutes(1), TotalRows = 1_000_000, ProcessedRows = 250_000,
            });
            await db.SaveChangesAsync();
        }

        var whileLeased = await process.Jobs.StartAsync(Principals.Admin("alice"), await StageAsync(process, 10), 10, null);
        _harness.Clock.Advance(TimeSpan.FromMinutes(1));
        var shownAfterExpiry = await process.Jobs.LatestAsync(Principals.Viewer());
        var afterExpiry = await process.Jobs.StartAsync(Principals.Admin("alice"), await StageAsync(process, 10), 10, null);
        await process.Jobs.WhenIdleAsync();

        Assert.Equal("carol", whileLeased.Running?.StartedBy);
        Assert.Null(whileLeased.Started);
        Assert.Equal((ImportJobState.Interrupted, ImportFailure.ProcessStoppedAnswering), (shownAfterExpiry!.State, shownAfterExpiry.Failure));
        Assert.NotNull(afterExpiry.Started);
        await using var check = _harness.Database.CreateDbContext();
        var dead = await check.ImportJobs.SingleAsync(j => j.StartedBy == "carol");
        Assert.Equal((ImportJobState.Interrupted, ImportFailure.ProcessStoppedAnswering), (dead.State, dead.Failure));
    }

    [Fact]
    public async Task TheRunningProcessRenewsItsLeaseAndRecordsProgress()
    {
        var process = Process(gated: true);
        await process.Jobs.StartAsync(Principals.Admin("alice"), await StageAsync(process, 12_000), 12_000, null);
        var started = _harness.Clock.GetUtcNow();
        await WaitUntilHeldAsync(process);

        _harness.Clock.Advance(TimeSpan.FromSeconds(30));
        process.Gate.SetResult();
        await process.Jobs.WhenIdleAsync();

        await using var db = _harness.Database.CreateDbContext();
        var job = await db.ImportJobs.SingleAsync();
        // Renewed once, after the first batch (the clock had moved past the heartbeat interval).
        Assert.Equal(started.AddSeconds(30) + new ImportOptions().LeaseDuration, job.LeaseExpiresAt);
        Assert.Equal((ImportJobState.Finished, 12_000), (job.State, job.Listed));
    }

    [Fact]
    public async Task AProcessThatLostItsLeaseStopsImporting()
    {
        var process = Process(gated: true);
        await process.Jobs.StartAsync(Principals.Admin("alice"), await StageAsync(process, 25_000), 25_000, null);
        // The file has been read and checked, the first batch is held, and the job's first heartbeat is recorded.
        await WaitUntilHeldAsync(process);
        for (var waited = 0; process.Held.Beats == 0 && waited < 200; waited++)
        {
            await Task.Delay(50);
        }
        Assert.Equal(1, process.Held.Beats);
        await using (var db = _harness.Database.CreateDbContext())
        {
            // Another process found the lease run out and took over (as if this one had hung).
            await db.ImportJobs.ExecuteUpdateAsync(set => set.SetProperty(j => j.Owner, "another process"));
        }

        _harness.Clock.Advance(TimeSpan.FromSeconds(30));
        process.Gate.SetResult();
        await process.Jobs.WhenIdleAsync();

        await using var check = _harness.Database.CreateDbContext();
        Assert.Equal(ImportListedFirstBatchOnly, await check.Listings.CountAsync());
        Assert.Equal((ImportJobState.Running, "another process"), (await check.ImportJobs.Select(j => new { j.State, j.Owner }).SingleAsync()) is var row ? (row.State, row.Owner) : default);
    }

    [Fact]
    public async Task StoppingThePortalInterruptsTheImportAndRecordsWhy()
    {
        var process = Process(gated: true);
        await process.Jobs.StartAsync(Principals.Admin("alice"), await StageAsync(process, 12_000), 12_000, null);

        await process.Jobs.StopAsync(CancellationToken.None);

        var job = await process.Jobs.LatestAsync(Principals.Viewer());
        Assert.Equal((ImportJobState.Interrupted, ImportFailure.PortalStopped), (job!.State, job.Failure));
        // The next start of the portal (or another process) may import at once.
        var next = Process(gated: false);
        Assert.NotNull((await next.Jobs.StartAsync(Principals.Admin("alice"), await StageAsync(next, 10), 10, null)).Started);
        await next.Jobs.WhenIdleAsync();
    }

    [Fact]
    public async Task AViewerMayStageAndPreviewButNotStartAnImport()
    {
        var process = Process(gated: false);
        var staged = await StageAsync(process, 10);

        await Assert.ThrowsAsync<AdminAccessDeniedException>(() => process.Jobs.StartAsync(Principals.Viewer(), staged, 10, null));
        process.Jobs.Discard(staged);

        Assert.False(File.Exists(staged.Path));
    }

    /// <summary>The batch size of these tests' jobs: small, so that a file of a few thousand rows takes several.</summary>
    private const int BatchRows = 10_000;

    private const int ImportListedFirstBatchOnly = BatchRows;

    /// <summary>Waits until the import has read its file and its first batch waits at the gate.</summary>
    private static async Task WaitUntilHeldAsync(ImportProcess process)
    {
        for (var waited = 0; process.Held.Held == 0 && waited < 200; waited++)
        {
            await Task.Delay(50);
        }
        Assert.Equal(1, process.Held.Held);
    }

    private static async Task<StagedImport> StageAsync(ImportProcess process, int rows, int offset = 0) =>
        await process.Jobs.StageAsync(Principals.Viewer(), new MemoryStream(Csv(rows, offset)), "listings.csv", null);

    private static byte[] Csv(int rows, int offset = 0, bool header = true)
    {
        var csv = new StringBuilder(header ? "network,reason,detail\n" : "");
        for (var i = offset; i < offset + rows; i++)
        {
            csv.Append($"2001:db8:{i >> 16:x}:{i & 0xffff:x}::/64,Spam,row {i}\n");
        }
        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    /// <summary>An upload that sends its head, then its tail once <paramref name="readyForTail"/> holds (waiting 10 s at most).</summary>
    private sealed class TwoPartUpload(byte[] head, byte[] tail, Func<bool> readyForTail) : ReadOnlyTestStream
    {
        private readonly MemoryStream _head = new(head);
        private readonly MemoryStream _tail = new(tail);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (await _head.ReadAsync(buffer, cancellationToken) is var read and > 0)
            {
                return read;
            }
            for (var waited = 0; !readyForTail(); waited++)
            {
                if (waited == 200)
                {
                    throw new TimeoutException("The upload's first part was not checked while the upload went on.");
                }
                await Task.Delay(50, cancellationToken);
            }
            return await _tail.ReadAsync(buffer, cancellationToken);
        }

    }

    /// <summary>One process of the portal: its own connections, services and import jobs, on the shared database file.</summary>
    private ImportProcess Process(bool gated)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!gated)
        {
            gate.SetResult();
        }
        var held = new ImportGate(gate);
        var factory = new Factory(_harness.Database, new DelistPortal.ChangeLog.ChangeLogCommitSignal(() => _harness.Follower), held);
        var blocklist = new BlocklistService(factory, new ListingPolicy(Options.Create(new BlocklistOptions())), _harness.Clock, NullLogger<BlocklistService>.Instance,
            _harness.Follower);
        var jobs = new ImportJobs(factory, blocklist, _harness.Clock, Options.Create(new ImportOptions { BatchRows = BatchRows }),
            Options.Create(new PortalOptions { DataDirectory = _harness.Database.Folder }), new Microsoft.Extensions.Logging.Logger<ImportJobs>(new Microsoft.Extensions.Logging.LoggerFactory([Logs])));
        var process = new ImportProcess(jobs, gate, held);
        _processes.Add(process);
        return process;
    }

    private sealed record ImportProcess(ImportJobs Jobs, TaskCompletionSource Gate, ImportGate Held);

    private sealed class Factory(TemporaryDatabase database, params IInterceptor[] interceptors) : IDbContextFactory<PortalDbContext>
    {
        private readonly DbContextOptions<PortalDbContext> _options = (database.Provider == DatabaseProvider.PostgreSQL
                ? new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql(database.ConnectionString)
                : new DbContextOptionsBuilder<PortalDbContext>().UseSqlite(database.ConnectionString))
            .AddInterceptors(interceptors).Options;

        public PortalDbContext CreateDbContext() => PortalDbContext.Create(_options, database.Provider);
    }

    /// <summary>Holds an import's first batch before it writes anything (at its read of earlier listings) until the test opens the gate.</summary>
    private sealed class ImportGate(TaskCompletionSource gate) : DbCommandInterceptor
    {
        private int _beats;

        public int Held { get; private set; }

        /// <summary>Heartbeats recorded: updates of a job's lease.</summary>
        public int Beats => Volatile.Read(ref _beats);

        public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result,
            CancellationToken cancellationToken = default)
        {
            if (command.CommandText.StartsWith("UPDATE", StringComparison.Ordinal) && command.CommandText.Contains("\"LeaseExpiresAt\" =", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _beats);
            }
            return ValueTask.FromResult(result);
        }

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("\"RangeStart\" IN", StringComparison.Ordinal) || command.CommandText.Contains("json_each(@starts", StringComparison.Ordinal)
                || command.CommandText.Contains("\"RangeStart\" = ANY", StringComparison.Ordinal))
            {
                Held += gate.Task.IsCompleted ? 0 : 1;
                await gate.Task.WaitAsync(cancellationToken);
            }
            return result;
        }
    }
}

/// <summary>The same tests on the real PostgreSQL server (imports by binary COPY).</summary>
public sealed class ImportJobsOnPostgreSqlTests() : ImportJobsTests(DatabaseProvider.PostgreSQL);
