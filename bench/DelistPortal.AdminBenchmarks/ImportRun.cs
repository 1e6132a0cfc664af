using System.Diagnostics;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Blocklist.Index;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DelistPortal.AdminBenchmarks;

/// <summary>
/// Imports a CSV file into a new, empty database (a new operator's first import) through the code the Import page
/// runs, with the lookup index following as in the app, and prints how long each part took.
/// </summary>
public static class ImportRun
{
    public static async Task RunAsync(string csvPath, string? databaseFile)
    {
        databaseFile ??= Path.Combine(Path.GetTempPath(), "delistportal-import-run", "portal.db");
        Directory.CreateDirectory(Path.GetDirectoryName(databaseFile)!);
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(databaseFile)!, Path.GetFileName(databaseFile) + "*"))
        {
            File.Delete(file);
        }
        var time = TimeProvider.System;
        var index = new BlocklistIndex(time);
        var synchronizer = new ListingIndexSynchronizer(index);
        var database = new BenchmarkDatabase(databaseFile, synchronizer);
        using (var db = database.CreateDbContext())
        {
            db.Database.OpenConnection();
            db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
            db.Database.Migrate();
        }
        var blocklist = new BlocklistService(database, new ListingPolicy(Options.Create(new BlocklistOptions())), time, NullLogger<BlocklistService>.Instance);

        var total = Stopwatch.StartNew();
        var watch = Stopwatch.StartNew();
        ImportPreview preview;
        await using (var csv = File.OpenRead(csvPath))
        {
            preview = await ListingImporter.PreviewFileAsync(csv, time.GetUtcNow(), CancellationToken.None);
        }
        Console.WriteLine($"preview: {preview.RowCount:N0} rows, {preview.ErrorCount:N0} errors in {watch.Elapsed.TotalSeconds:F2} s");
        watch.Restart();
        ImportResult result;
        await using (var csv = File.OpenRead(csvPath))
        {
            result = await ListingImporter.ImportFileAsync(blocklist, csv, time.GetUtcNow(), preview.RowCount, Actor.Admin("bench"), null, null, null, CancellationToken.None);
        }
        Console.WriteLine($"import: {result.Listed:N0} listed, {result.AlreadyListed:N0} already, {result.RefusedCount:N0} refused in {watch.Elapsed.TotalSeconds:F2} s");
        Console.WriteLine($"total {total.Elapsed.TotalSeconds:F2} s; index holds {index.Count:N0}; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024:N0} MiB");
    }
}
