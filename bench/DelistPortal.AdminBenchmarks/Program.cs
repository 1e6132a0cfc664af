using Microsoft.EntityFrameworkCore;
using System.Diagnostics;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using DelistPortal.Admin;
using DelistPortal.AdminBenchmarks;

// `csv PATH [ROWS]`: writes the operator's file (issue 12: 1,000,000 rows by default, fixed seed).
if (args is ["csv", var csvPath, ..])
{
    OperatorCsv.Write(csvPath, args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000);
    return;
}

// `import PATH[,PATH2…] [DATABASE]`: imports CSV files into a new database through the import code, one after the other, timed by phase.
if (args is ["import", var importPath, ..])
{
    await ImportRun.RunAsync(importPath, args.Length > 2 ? args[2] : null);
    return;
}

// `latency [COUNT [VIEW]]`: times the grid's first page with its total (one request, as the Listings page makes it) directly, many
// times, and prints p50/p95/p99 per view (server-side, one request at a time;
// only the views whose name holds VIEW, when given);
// on SQLite, then in the same run on PostgreSQL when DELISTPORTAL_BENCH_POSTGRESQL names a database (made once, 1M rows).
if (args is ["latency", ..])
{
    var databases = new List<BenchmarkDatabase> { BenchmarkDatabase.OpenOrCreate() };
    if (Environment.GetEnvironmentVariable(BenchmarkDatabase.PostgreSqlVariable) is { Length: > 0 } postgreSql)
    {
        databases.Add(BenchmarkDatabase.OpenOrCreatePostgreSql(postgreSql));
    }
    foreach (var database in databases)
    {
        Console.WriteLine($"{database.Provider}:");
        var views = new GridPageBenchmarks();
        foreach (var view in new[] { "active+reason, newest first", "reason, by network", "address search, by network", "status, by expiry", "detail text, newest first",
                     "common text, newest first", "text in 1%, newest first", "text in no row, newest first", "common words in no row, newest first",
                     "common trigrams in no row, newest first" }.Where(v => args.Length < 3 || v.Contains(args[2], StringComparison.Ordinal)))
        {
            views.View = view;
            var filter = (ListingFilter)typeof(GridPageBenchmarks).GetProperty("Filter", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(views)!;
            var samples = new List<double>();
            var count = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200;
            var budget = Stopwatch.StartNew();
            for (var i = 0; i < count + 10 && (samples.Count < 20 || budget.Elapsed < TimeSpan.FromSeconds(20)); i++)
            {
                var watch = Stopwatch.StartNew();
                // One request, as the Listings page asks for a first page with its total.
                await ListingAdminService.ReadPageAsync(database, new ListingPageRequest(filter, 25) { WithTotal = true }, CancellationToken.None);
                if (i >= 10)
                {
                    samples.Add(watch.Elapsed.TotalMilliseconds);
                }
            }
            samples.Sort();
            double At(double p) => samples[(int)Math.Ceiling(p * samples.Count) - 1];
            Console.WriteLine($"{view,-40} p50 {At(0.50),7:F2} ms   p95 {At(0.95),7:F2} ms   p99 {At(0.99),7:F2} ms   ({samples.Count} queries, pages 1-10)");
        }
    }
    return;
}

// The import benchmark brings its own job (three single runs); the grid pages run as BenchmarkDotNet's short run.
var config = DefaultConfig.Instance.AddColumn(StatisticColumn.P95);
if (!args.Any(a => a.Contains("Import", StringComparison.Ordinal)))
{
    config = config.AddJob(Job.ShortRun.WithId("ShortRun"));
}
BenchmarkSwitcher.FromAssembly(typeof(GridPageBenchmarks).Assembly).Run(args, config);
