using System.Diagnostics;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Blocklist.Index;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DelistPortal.AdminBenchmarks;

/// <summary>
/// Imports a CSV file into a new, empty database (a new operator's first import) through the code the Import page
/// runs, with the lookup index following as in the app, and prints how long each part took.
/// </summary>
public static class ImportRun
{
    /// <param name="databaseFile">A SQLite file, or a PostgreSQL connection string ("Host=…") of a database to drop and create.</param>
    public static async Task RunAsync(string csvPath, string? databaseFile)
    {
        var postgreSql = databaseFile?.StartsWith("Host=", StringComparison.Ordinal) == true;
        databaseFile ??= Path.Combine(Path.GetTempPath(), "delistportal-import-run", "portal.db");
        var dataFolder = postgreSql ? Path.Combine(Path.GetTempPath(), "delistportal-import-run-postgresql") : Path.GetDirectoryName(databaseFile)!;
        Directory.CreateDirectory(dataFolder);
        if (!postgreSql)
        {
            foreach (var file in Directory.GetFiles(dataFolder, Path.GetFileName(databaseFile) + "*"))
            {
                File.Delete(file);
            }
        }
        var time = TimeProvider.System;
        var index = new BlocklistIndex(time);
        DelistPortal.ChangeLog.ChangeLogFollower? follower = null;
        // IMPORT_WITHOUT_INDEX=1: the database alone (the lookup index not following), to see what each costs.
        var withIndex = Environment.GetEnvironmentVariable("IMPORT_WITHOUT_INDEX") != "1";
        IInterceptor[] interceptors = withIndex ? [new DelistPortal.ChangeLog.ChangeLogCommitSignal(() => follower)] : [];
        var database = postgreSql ? BenchmarkDatabase.PostgreSql(databaseFile, recreate: true, interceptors) : new BenchmarkDatabase(databaseFile, interceptors);
        if (!postgreSql)
        {
            using var db = database.CreateDbContext();
            db.Database.OpenConnection();
            db.Database.ExecuteSqlRaw(DelistPortal.Data.DatabaseMigration.SqliteFileSettings);
            db.Database.Migrate();
        }
        if (withIndex)
        {
            follower = new DelistPortal.ChangeLog.ChangeLogFollower(database, [new ListingIndexFollower(database, index, time)],
                Options.Create(new DelistPortal.ChangeLog.ChangeLogOptions()), NullLogger<DelistPortal.ChangeLog.ChangeLogFollower>.Instance);
            await follower.LoadAsync();
            // Its background loop too, as in the app: an import's batches wake it rather than wait for it.
            await follower.StartAsync(CancellationToken.None);
        }
        var blocklist = new BlocklistService(database, new ListingPolicy(Options.Create(new BlocklistOptions())), time, NullLogger<BlocklistService>.Instance, follower);

        var total = Stopwatch.StartNew();
        var watch = Stopwatch.StartNew();
        // As the Import page runs it: staged in the data folder, checked (the preview, which keeps the checked rows for
        // the job), then the background job. IMPORT_BATCH_ROWS=10000: another batch size than the default, to compare.
        var options = new ImportOptions();
        if (int.TryParse(Environment.GetEnvironmentVariable("IMPORT_BATCH_ROWS"), out var batchRows))
        {
            options.BatchRows = batchRows;
        }
        // IMPORT_PAGE_CACHE_MB=64: another page cache for the import's connection than the default, to compare.
        if (int.TryParse(Environment.GetEnvironmentVariable("IMPORT_PAGE_CACHE_MB"), out var pageCache))
        {
            options.PageCacheMegabytes = pageCache;
        }
        var jobs = new ImportJobs(database, blocklist, time, Options.Create(options),
            Options.Create(new DelistPortal.Portal.PortalOptions { DataDirectory = dataFolder }), NullLogger<ImportJobs>.Instance);
        // IMPORT_TIMELINE=1: when each batch ended (the job's progress events), to see where a long import slows down.
        if (Environment.GetEnvironmentVariable("IMPORT_TIMELINE") == "1")
        {
            var previous = TimeSpan.Zero;
            jobs.Changed += view =>
            {
                var at = watch.Elapsed;
                Console.WriteLine($"  {at.TotalSeconds,7:F2} s (+{(at - previous).TotalSeconds:F2}) {view.ProcessedRows,9:N0} rows {view.State}");
                previous = at;
            };
        }
        var admin = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, "bench"), new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Role, AdminRoles.Admin)], "bench"));
        // Several files (PATH,PATH2): imported one after the other in this process, the later ones with the JIT warm.
        foreach (var path in csvPath.Split(','))
        {
            watch.Restart();
            StagedImport staged;
            await using (var csv = File.OpenRead(path))
            {
                staged = await jobs.StageAsync(admin, csv, Path.GetFileName(path), null);
            }
            Console.WriteLine($"stage: {watch.Elapsed.TotalSeconds:F2} s");
            watch.Restart();
            // IMPORT_UNCHECKED=1: the job reads and checks the file itself, as when nothing previewed it.
            ImportPreview preview;
            if (Environment.GetEnvironmentVariable("IMPORT_UNCHECKED") == "1")
            {
                await using var csv = File.OpenRead(staged.Path);
                preview = await ListingImporter.PreviewFileAsync(csv, time.GetUtcNow(), CancellationToken.None);
            }
            else
            {
                preview = await jobs.CheckAsync(admin, staged);
            }
            Console.WriteLine($"preview: {preview.RowCount:N0} rows, {preview.ErrorCount:N0} errors in {watch.Elapsed.TotalSeconds:F2} s");
            watch.Restart();
            var gcBefore = GC.CollectionCount(2);
            var allocatedBefore = GC.GetTotalAllocatedBytes();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            await jobs.StartAsync(admin, staged, preview.RowCount, null);
            await jobs.WhenIdleAsync();
            var job = await jobs.LatestAsync(admin);
            Console.WriteLine($"import job: {job!.State}, {job.Listed:N0} listed, {job.AlreadyListed:N0} already, {job.RefusedCount:N0} refused in {watch.Elapsed.TotalSeconds:F2} s, CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds:F2} s ({GC.CollectionCount(2) - gcBefore} gen-2 GCs, {(GC.GetTotalAllocatedBytes() - allocatedBefore) / 1024 / 1024:N0} MiB allocated)");
        }
        if (follower is not null)
        {
            await follower.StopAsync(CancellationToken.None);
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Console.WriteLine($"managed heap after the import: {GC.GetTotalMemory(true) / 1024 / 1024:N0} MiB (index {index.EstimatedBytes / 1024 / 1024:N0} MiB); working set {Process.GetCurrentProcess().WorkingSet64 / 1024 / 1024:N0} MiB");
        Console.WriteLine($"total {total.Elapsed.TotalSeconds:F2} s; index holds {index.Count:N0}; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024:N0} MiB");
    }
}
