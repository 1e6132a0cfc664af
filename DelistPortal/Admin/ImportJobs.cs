using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using DelistPortal.Portal;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DelistPortal.Admin;

/// <summary>What the Import page shows of an import job.</summary>
public sealed record ImportJobView(
    int Id,
    ImportJobState State,
    string FileName,
    string StartedBy,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    int TotalRows,
    int ProcessedRows,
    int Listed,
    int AlreadyListed,
    int RefusedCount,
    IReadOnlyList<ImportError> Refused,
    string? Failure,
    bool RunsHere,
    int InvalidCount = 0)
{
    public bool IsRunning => State == ImportJobState.Running;
}

/// <param name="Started">The job started, or null when another import is running (<paramref name="Running"/>).</param>
public sealed record ImportStart(ImportJobView? Started, ImportJobView? Running);

/// <summary>A file uploaded for an import, kept in the data folder until its import ends (or it is discarded).</summary>
public sealed record StagedImport(string Path, string FileName);

/// <summary>An upload copied to the data folder (<see cref="ImportJobs.UploadAsync"/>), and its check, which may still run.</summary>
public sealed record UploadedImport(StagedImport Staged, Task<ImportPreview> Checked);

/// <summary>
/// Runs CSV imports in the background, one at a time across every process that shares the database: the job is a row
/// (<see cref="ImportJob"/>) that only one can hold as Running, with a lease its process renews. The import goes on
/// when the page that started it closes; the page (any page, in any process) reads the running or last job, and this
/// process's pages also hear of its progress as it happens. Memory: the file is read as a stream, and the import's
/// connection (with its larger page cache) is closed when the job ends.
/// </summary>
public sealed class ImportJobs(
    IDbContextFactory<PortalDbContext> dbFactory,
    BlocklistService blocklist,
    TimeProvider time,
    IOptions<ImportOptions> options,
    IOptions<PortalOptions> portal,
    ILogger<ImportJobs> logger,
    PortalMetrics? metrics = null) : IHostedService, IDisposable
{
    private readonly string _owner = Truncate($"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}", 128);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private Running? _running;

    /// <summary>Progress of the job this process runs (at most a few times a second), and its end.</summary>
    public event Action<ImportJobView>? Changed;

    private ImportOptions Options => options.Value;

    private string StagingFolder => Path.Combine(portal.Value.DataDirectoryPath, "imports");

    /// <summary>Copies an upload to the data folder, reporting the bytes copied.</summary>
    public async Task<StagedImport> StageAsync(ClaimsPrincipal caller, Stream upload, string fileName, IProgress<long>? copied, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        var path = NewStagingPath();
        await CopyAsync(upload, path, copied, null, cancellationToken);
        return Staged(path, fileName);
    }

    /// <summary>
    /// Copies an upload to the data folder and checks its rows as they arrive (<see cref="CheckAsync"/>'s work, done
    /// while the browser is still sending: at a million rows the check took 6 s after a 20 s upload). Returns when
    /// the upload is copied; <see cref="UploadedImport.Checked"/> ends when the last rows are checked. A failed upload
    /// leaves no file behind.
    /// </summary>
    /// <param name="checkCancellation">Stops the check, which may outlive the upload (its HTTP request); the upload's token when default.</param>
    public async Task<UploadedImport> UploadAsync(ClaimsPrincipal caller, Stream upload, string fileName, IProgress<long>? copied,
        CancellationToken cancellationToken = default, CancellationToken checkCancellation = default)
    {
        AdminAccess.RequireReader(caller);
        var path = NewStagingPath();
        var workFile = CheckedRowsPath(path);
        // A few megabytes ahead of the check at most: the file on disk holds the rest.
        var pipe = new System.IO.Pipelines.Pipe(new System.IO.Pipelines.PipeOptions(pauseWriterThreshold: 8 << 20, resumeWriterThreshold: 4 << 20));
        var now = time.GetUtcNow();
        var checkToken = checkCancellation.CanBeCanceled ? checkCancellation : cancellationToken;
        var checking = Task.Run(() => CheckIntoAsync(pipe.Reader.AsStream(), workFile, now, checkToken), checkToken);
        try
        {
            await CopyAsync(upload, path, copied, pipe.Writer, cancellationToken);
            await pipe.Writer.CompleteAsync();
        }
        catch (Exception ex)
        {
            await pipe.Writer.CompleteAsync(ex);
            await checking.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            TryDelete(workFile);
            throw;
        }
        return new UploadedImport(Staged(path, fileName), checking);
    }

    private string NewStagingPath()
    {
        Directory.CreateDirectory(StagingFolder);
        return Path.Combine(StagingFolder, $"{Guid.NewGuid():N}.csv");
    }

    private static StagedImport Staged(string path, string fileName)
    {
        var name = Path.GetFileName(fileName);
        return new StagedImport(path, name.Length > ImportJob.MaxFileNameLength ? name[..ImportJob.MaxFileNameLength] : name);
    }

    /// <param name="alsoTo">Where the bytes go too (the check reading them as they arrive), or null.</param>
    private static async Task CopyAsync(Stream upload, string path, IProgress<long>? copied, System.IO.Pipelines.PipeWriter? alsoTo,
        CancellationToken cancellationToken)
    {
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            var buffer = new byte[1 << 16];
            long total = 0;
            int read;
            while ((read = await upload.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                if (alsoTo is not null && (await alsoTo.WriteAsync(buffer.AsMemory(0, read), cancellationToken)).IsCompleted)
                {
                    // The check stopped reading: it failed, and the caller hears why from it.
                    break;
                }
                total += read;
                copied?.Report(total);
            }
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>
    /// Reads and checks a staged file for the preview, and keeps its valid rows in network order beside it
    /// (<see cref="NetworkOrderedRows"/>): its import then starts writing at once instead of checking the file again.
    /// </summary>
    public async Task<ImportPreview> CheckAsync(ClaimsPrincipal caller, StagedImport staged, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        var workFile = CheckedRowsPath(staged.Path);
        TryDelete(workFile);
        return await CheckIntoAsync(new FileStream(staged.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true),
            workFile, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>Checks a CSV (disposed at the end) for the preview, its valid rows kept in <paramref name="workFile"/>; a failed check leaves no work file.</summary>
    private async Task<ImportPreview> CheckIntoAsync(Stream csv, string workFile, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await using (csv)
            {
                using var rows = NetworkOrderedRows.Create(workFile, 0);
                return await ListingImporter.PreviewFileAsync(csv, now, cancellationToken, rows);
            }
        }
        catch
        {
            TryDelete(workFile);
            throw;
        }
    }

    /// <summary>Where <see cref="CheckAsync"/> keeps a staged file's checked rows.</summary>
    private static string CheckedRowsPath(string stagedPath) => stagedPath + ".rows";

    /// <summary>Deletes an uploaded file that will not be imported (a new file was chosen, the page closed).</summary>
    public void Discard(StagedImport? staged)
    {
        lock (_lock)
        {
            if (staged is null || _running?.File == staged.Path)
            {
                return;
            }
        }
        TryDelete(staged.Path);
        TryDelete(CheckedRowsPath(staged.Path));
    }

    /// <summary>
    /// Starts importing a staged file in the background, unless another import is running in any process; a job whose
    /// lease ran out (its process died) is marked interrupted and no longer counts.
    /// </summary>
    public async Task<ImportStart> StartAsync(ClaimsPrincipal caller, StagedImport staged, int totalRows, string? clientAddress, CancellationToken cancellationToken = default)
    {
        var actor = AdminAccess.RequireWriter(caller);
        var now = time.GetUtcNow();
        ImportJob job;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default): the check and the claim are one write, as another process sees it.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (await db.ImportJobs.FirstOrDefaultAsync(j => j.State == ImportJobState.Running, cancellationToken) is { } current)
            {
                if (current.LeaseExpiresAt > now)
                {
                    return new ImportStart(null, View(current));
                }
                Interrupt(current, now, ImportFailure.ProcessStoppedAnswering);
                logger.LogWarning("Import {Id} of {File} was left running by a process that stopped answering; marked interrupted", current.Id, current.FileName);
                // Written before the new job: the unique index allows one Running row.
                await db.SaveChangesAsync(cancellationToken);
            }
            job = new ImportJob
            {
                State = ImportJobState.Running,
                FileName = staged.FileName,
                StartedBy = actor.Name,
                ClientAddress = clientAddress,
                StartedAt = now,
                Owner = _owner,
                LeaseExpiresAt = now + Options.LeaseDuration,
                TotalRows = totalRows,
            };
            db.ImportJobs.Add(job);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (DbUpdateException ex) when (PortalDbContext.IsUniqueViolation(ex))
            {
                // Another process claimed the slot between our check and our write.
                await using var fresh = await dbFactory.CreateDbContextAsync(cancellationToken);
                var winner = await fresh.ImportJobs.AsNoTracking().FirstOrDefaultAsync(j => j.State == ImportJobState.Running, cancellationToken);
                return new ImportStart(null, winner is null ? null : View(winner));
            }
        }

        var running = new Running(job, staged.Path, actor, clientAddress);
        lock (_lock)
        {
            _running = running;
        }
        running.Task = Task.Run(() => RunAsync(running), CancellationToken.None);
        return new ImportStart(running.View(), null);
    }

    /// <summary>The running import (this process's live, another's as of its last heartbeat), else the last one; null before the first.</summary>
    public async Task<ImportJobView?> LatestAsync(ClaimsPrincipal caller, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        lock (_lock)
        {
            if (_running is { } running)
            {
                return running.View();
            }
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var job = await db.ImportJobs.AsNoTracking().OrderByDescending(j => j.Id).FirstOrDefaultAsync(cancellationToken);
        if (job is { State: ImportJobState.Running } && job.LeaseExpiresAt <= time.GetUtcNow())
        {
            // Nobody renews it: show it as what it is; the next start records it.
            Interrupt(job, job.LeaseExpiresAt, ImportFailure.ProcessStoppedAnswering);
        }
        return job is null ? null : View(job) with { RunsHere = false };
    }

    /// <summary>Waits for this process's running import, if any, to end. For tests and shutdown.</summary>
    internal Task WhenIdleAsync()
    {
        lock (_lock)
        {
            return _running?.Task ?? Task.CompletedTask;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Uploads older than a day were never imported (the page closed mid-preview, the process died).
        try
        {
            if (Directory.Exists(StagingFolder))
            {
                // *.rows: an import's checked rows in network order (NetworkOrderedRows), left by a process that died.
                foreach (var file in Directory.EnumerateFiles(StagingFolder, "*.csv").Concat(Directory.EnumerateFiles(StagingFolder, "*.rows")))
                {
                    if (File.GetLastWriteTimeUtc(file) < time.GetUtcNow().UtcDateTime.AddDays(-1))
                    {
                        TryDelete(file);
                    }
                }
            }
        }
        catch (IOException ex)
        {
            logger.LogWarning(ex, "Could not clear old uploads in {Folder}", StagingFolder);
        }
        // An import that stopped early (the portal stopped, a process died) left its rows' text out of the full-text
        // index; index it in the background, so that a start does not wait for it.
        LeftoverSearch = Task.Run(IndexLeftoverSearchAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>The start's indexing of what an interrupted import left out of the full-text index. For tests.</summary>
    internal Task LeftoverSearch { get; private set; } = Task.CompletedTask;

    private async Task IndexLeftoverSearchAsync()
    {
        try
        {
            if (await blocklist.IndexPendingSearchAsync(cancellationToken: _stopping.Token) is var indexed and > 0)
            {
                logger.LogInformation("Indexed the text of {Count} listings that an interrupted import left out of the search index", indexed);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // The next import (or start) indexes them.
            logger.LogWarning(ex, "Could not index the text of listings left by an interrupted import");
        }
    }

    /// <summary>The portal stops: the running import stops after its current batch and is recorded as interrupted.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await WhenIdleAsync().WaitAsync(cancellationToken).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    // Cancelled, not disposed: the host may still call StopAsync after disposing the container (a test host that
    // failed to start, or is disposed without being stopped), and a token source without a timer holds nothing.
    public void Dispose() => _stopping.Cancel();

    private async Task RunAsync(Running running)
    {
        var job = running.Job;
        var watch = Stopwatch.StartNew();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        try
        {
            await using var connection = await OpenImportConnectionAsync(cancel.Token);
            await using var file = new FileStream(running.File, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            // The lease was taken (or last renewed) at this instant.
            var lastBeat = job.StartedAt;
            var beaten = false;
            var counted = 0;
            async Task AfterBatchAsync(ImportProgress progress, CancellationToken cancellationToken)
            {
                metrics?.RowsImported(progress.Done - counted);
                counted = progress.Done;
                running.Progress(progress);
                Changed?.Invoke(running.View());
                // The first call beats at once (ListingImporter calls it while the first batch is prepared).
                if (!beaten || time.GetUtcNow() - lastBeat >= Options.HeartbeatInterval)
                {
                    beaten = true;
                    lastBeat = time.GetUtcNow();
                    await BeatAsync(running, cancel, connection);
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
            ImportResult result;
            // The rows the preview checked, if it kept them (CheckAsync); otherwise the file is read and checked now.
            using (var checkedRows = NetworkOrderedRows.TryOpen(CheckedRowsPath(running.File), out var invalid))
            {
                result = checkedRows is not null
                    ? await ListingImporter.ImportRowsAsync(blocklist, checkedRows, invalid, running.Actor, running.ClientAddress, connection, AfterBatchAsync, cancel.Token, Options.BatchRows)
                    : await ListingImporter.ImportFileAsync(blocklist, file, job.StartedAt, job.TotalRows, running.Actor, running.ClientAddress, connection, AfterBatchAsync, cancel.Token,
                        Options.BatchRows, StagingFolder);
            }
            running.Finish(result);
            await RecordEndAsync(running, ImportJobState.Finished, null, connection);
            // The listings are committed and enforced: the page says so now, not after the checkpoint and the clean-up.
            Changed?.Invoke(running.View());
            await CheckpointAsync(connection);
            logger.LogInformation("{Actor} imported {File}: {Listed} listed, {AlreadyListed} already listed, {Invalid} with errors left out, {Refused} refused by the listing policy, in {Seconds:0.0} s",
                job.StartedBy, job.FileName, result.Listed, result.AlreadyListed, result.Invalid, result.RefusedCount, watch.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException) when (running.LeaseLost)
        {
            logger.LogWarning("Import {Id} of {File} stopped: another process took it over after its lease ran out", job.Id, job.FileName);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            await RecordEndAsync(running, ImportJobState.Interrupted, ImportFailure.PortalStopped);
            logger.LogWarning("Import {Id} of {File} interrupted by the portal stopping after {Rows} rows", job.Id, job.FileName, running.View().ProcessedRows);
        }
        catch (Exception ex)
        {
            await RecordEndAsync(running, ImportJobState.Failed, ImportFailure.Error);
            logger.LogError(ex, "Import {Id} of {File} failed after {Rows} rows", job.Id, job.FileName, running.View().ProcessedRows);
        }
        finally
        {
            TryDelete(running.File);
            TryDelete(CheckedRowsPath(running.File));
            // The import's connection (and its page cache) is closed by now, and its batches' rows and JSON are garbage.
            NativeMemory.ReleaseAfterLargeWork();
            lock (_lock)
            {
                // A finished import shows as such before this clean-up, so the next one may have started meanwhile.
                if (_running == running)
                {
                    _running = null;
                }
            }
            Changed?.Invoke(running.View());
        }
    }

    /// <summary>
    /// How large an import's connection lets the WAL grow before it checkpoints (400 MiB: 100,000 pages of 4 KiB, 25,600
    /// of 16 KiB). In bytes, not pages: every page read looks through the log, and a log four times longer made the
    /// text pass two and a half times slower.
    /// </summary>
    internal const long WalBytesBetweenCheckpoints = 400L << 20;

    /// <summary>
    /// Copies the import's WAL into the database and truncates it, so that the next writer (a sender's delist) does
    /// not pay for a checkpoint of hundreds of megabytes and the file does not keep its size. Other writers wait for it
    /// as for one more batch (a few seconds after a million rows). Best effort: if readers keep it from finishing, the
    /// next checkpoint does the rest.
    /// </summary>
    private async Task CheckpointAsync(System.Data.Common.DbConnection connection)
    {
        if (connection is not SqliteConnection)
        {
            // PostgreSQL checkpoints by itself.
            return;
        }
        try
        {
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await checkpoint.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (SqliteException ex)
        {
            logger.LogWarning(ex, "Could not checkpoint the write-ahead log after an import; the next writer will");
        }
    }

    /// <summary>The import's own connection: not pooled, so its page cache goes when it closes.</summary>
    private async Task<System.Data.Common.DbConnection> OpenImportConnectionAsync(CancellationToken cancellationToken)
    {
        string connectionString;
        bool postgreSql;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            connectionString = db.Database.GetConnectionString()!;
            postgreSql = db.Database.IsNpgsql();
        }
        if (postgreSql)
        {
            // The server's memory is the server's: nothing to size or hand back per connection.
            var npgsql = new Npgsql.NpgsqlConnection(connectionString);
            await npgsql.OpenAsync(cancellationToken);
            return npgsql;
        }
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var pageSize = connection.CreateCommand();
        pageSize.CommandText = "PRAGMA page_size;";
        var walPages = WalBytesBetweenCheckpoints / Convert.ToInt64(await pageSize.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        await using var pragma = connection.CreateCommand();
        // A larger page cache: an import's networks land all over the address indexes. Commits without a sync (WAL
        // keeps the database whole; a crash can lose the last batches, which the interrupted job's operator imports
        // again) and fewer, larger checkpoints: on a disk that syncs in milliseconds these were most of the wait, and
        // the batches rewrite the same index pages, which a checkpoint copies once however many batches wrote them
        // (WalBytesBetweenCheckpoints; the job checkpoints and truncates the log at its end).
        pragma.CommandText = $"PRAGMA cache_size = -{Options.PageCacheMegabytes * 1024}; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = {walPages};";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>Records the progress and renews the lease; if another process holds the job now, stops this one.</summary>
    private async Task BeatAsync(Running running, CancellationTokenSource cancel, System.Data.Common.DbConnection connection)
    {
        try
        {
            var view = running.View();
            var now = time.GetUtcNow();
            await using var db = await ImportContextAsync(connection);
            var updated = await db.ImportJobs
                .Where(j => j.Id == running.Job.Id && j.Owner == _owner && j.State == ImportJobState.Running)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(j => j.LeaseExpiresAt, now + Options.LeaseDuration)
                    .SetProperty(j => j.ProcessedRows, view.ProcessedRows)
                    .SetProperty(j => j.Listed, view.Listed)
                    .SetProperty(j => j.AlreadyListed, view.AlreadyListed)
                    .SetProperty(j => j.Refused, view.RefusedCount)
                    .SetProperty(j => j.Invalid, view.InvalidCount), CancellationToken.None);
            if (updated == 0)
            {
                running.LeaseLost = true;
                await cancel.CancelAsync();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The next beat tries again; the lease is longer than two beats.
            logger.LogWarning(ex, "Could not record the progress of import {Id}", running.Job.Id);
        }
    }

    /// <param name="connection">The import's connection while it is open (see <see cref="ImportContextAsync"/>); null after a failure.</param>
    private async Task RecordEndAsync(Running running, ImportJobState state, string? failure, System.Data.Common.DbConnection? connection = null)
    {
        running.End(state, time.GetUtcNow(), failure);
        var job = running.Job;
        try
        {
            await using var db = await ImportContextAsync(connection);
            await db.ImportJobs
                .Where(j => j.Id == job.Id && j.Owner == _owner)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(j => j.State, job.State)
                    .SetProperty(j => j.FinishedAt, job.FinishedAt)
                    .SetProperty(j => j.ProcessedRows, job.ProcessedRows)
                    .SetProperty(j => j.Listed, job.Listed)
                    .SetProperty(j => j.AlreadyListed, job.AlreadyListed)
                    .SetProperty(j => j.Refused, job.Refused)
                    .SetProperty(j => j.Invalid, job.Invalid)
                    .SetProperty(j => j.RefusedRows, job.RefusedRows)
                    .SetProperty(j => j.Failure, job.Failure), CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The lease runs out and the next start marks it interrupted.
            logger.LogError(ex, "Could not record the end of import {Id}", job.Id);
        }
    }

    /// <summary>
    /// A context for the job's own records, on the import's connection when there is one. A pooled SQLite connection
    /// checkpoints the write-ahead log at its commit once the log passes a thousand pages, and an import's log holds
    /// hundreds of megabytes: the end of a 100,000-row import waited 0.7 s for that copy before the page could say it
    /// was done. The import's connection leaves the log to <see cref="CheckpointAsync"/>, after the page is told.
    /// </summary>
    private async Task<PortalDbContext> ImportContextAsync(System.Data.Common.DbConnection? connection)
    {
        var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        if (connection is not null)
        {
            db.Database.SetDbConnection(connection);
        }
        return db;
    }

    private static void Interrupt(ImportJob job, DateTimeOffset at, string failure)
    {
        job.State = ImportJobState.Interrupted;
        job.FinishedAt = at;
        job.Failure = failure;
    }

    private static ImportJobView View(ImportJob job) => new(job.Id, job.State, job.FileName, job.StartedBy, job.StartedAt, job.FinishedAt,
        job.TotalRows, job.ProcessedRows, job.Listed, job.AlreadyListed, job.Refused,
        job.RefusedRows is null ? [] : JsonSerializer.Deserialize<List<ImportError>>(job.RefusedRows) ?? [], job.Failure, RunsHere: false, job.Invalid);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException ex)
        {
            logger.LogWarning(ex, "Could not delete the uploaded file {File}", path);
        }
    }

    /// <summary>The job this process runs, updated as batches complete.</summary>
    private sealed class Running(ImportJob job, string file, Actor actor, string? clientAddress)
    {
        private readonly Lock _lock = new();
        private IReadOnlyList<ImportError> _refused = [];

        public ImportJob Job { get; } = job;

        public string File { get; } = file;

        public Actor Actor { get; } = actor;

        public string? ClientAddress { get; } = clientAddress;

        public Task Task { get; set; } = Task.CompletedTask;

        public bool LeaseLost { get; set; }

        public void Progress(ImportProgress progress)
        {
            lock (_lock)
            {
                (Job.ProcessedRows, Job.Listed, Job.AlreadyListed, Job.Refused, Job.Invalid) =
                    (progress.Done, progress.Listed, progress.AlreadyListed, progress.Refused, progress.Invalid);
            }
        }

        public void Finish(ImportResult result)
        {
            lock (_lock)
            {
                (Job.Listed, Job.AlreadyListed, Job.Refused, Job.Invalid) = (result.Listed, result.AlreadyListed, result.RefusedCount, result.Invalid);
                Job.ProcessedRows = result.Listed + result.AlreadyListed + result.RefusedCount;
                _refused = result.Refused;
                Job.RefusedRows = result.Refused.Count == 0 ? null : JsonSerializer.Serialize(result.Refused);
            }
        }

        public void End(ImportJobState state, DateTimeOffset at, string? failure)
        {
            lock (_lock)
            {
                (Job.State, Job.FinishedAt, Job.Failure) = (state, at, failure);
            }
        }

        public ImportJobView View()
        {
            lock (_lock)
            {
                var job = Job;
                return new ImportJobView(job.Id, job.State, job.FileName, job.StartedBy, job.StartedAt, job.FinishedAt, job.TotalRows,
                    job.ProcessedRows, job.Listed, job.AlreadyListed, job.Refused, _refused, job.Failure, RunsHere: true, job.Invalid);
            }
        }
    }
}
