using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace DelistPortal.CapacityBenchmarks;

/// <summary>
/// Senders who opened the start page and left it open: N real circuits on one portal process, opened in steps
/// (100, 1,000, 5,000 by default); at each step the portal's own gauge must say N, then the server's RSS and managed
/// heap are read and divided by N. The circuits stay open (pings, acknowledgements) for a while after the last step,
/// to show they live; connection errors and timeouts are counted — that is where it breaks.
/// </summary>
public static class IdleCircuitsBench
{
    /// <summary>How many circuits are opened at once (the rate new senders arrive, as far as the client can push).</summary>
    private const int Openers = 16;

    public static async Task RunAsync(Options options)
    {
        foreach (var variant in options.Variants)
        {
            for (var round = 1; round <= options.Rounds; round++)
            {
                await RunOnceAsync(options, variant, round);
            }
        }
    }

    private static async Task RunOnceAsync(Options options, Variant variant, int round)
    {
        Console.WriteLine();
        Console.WriteLine($"== idle circuits, variant '{variant.Name}' ({variant.Describe()}), round {round}; load average {Program.LoadAverage()}");
        var data = Path.Combine(options.DataRoot, $"idle-{variant.Name}-{DateTime.UtcNow.Ticks}");
        Directory.CreateDirectory(data);
        await using var portal = await PortalProcess.StartAsync(data, variant.Arguments, variant.Environment);
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = portal.RootUri,
            Timeout = TimeSpan.FromSeconds(60),
        };
        // A warm process: the page rendered and a circuit opened and closed once, so JIT and first-use caches are
        // in the baseline rather than in the first circuits. (The closed one is kept as disconnected for a while: the
        // gauge counts it until then, so the steps below count from what it says now.)
        using (await http.GetAsync("/"))
        {
        }
        await (await BlazorCircuit.OpenAsync(http, portal.RootUri, keepTree: false, TimeSpan.FromSeconds(60))).DisposeAsync();
        await Task.Delay(TimeSpan.FromSeconds(5));
        var baseline = await SampleAsync(portal, http);
        var baselineLive = await portal.LiveHeapBytesAsync(http);
        var offset = (int)(baseline.OpenCircuits ?? 0);
        Console.WriteLine($"   baseline: RSS {Mb(baseline.Rss)} MB, managed heap {Mb(baseline.Heap)} MB (live after a full GC {Mb(baselineLive)} MB), circuits by the gauge {offset}");

        var circuits = new ConcurrentBag<BlazorCircuit>();
        var failures = new ConcurrentBag<string>();
        var previous = baseline;
        var previousCount = 0;
        try
        {
            foreach (var target in options.CircuitCounts)
            {
                var opening = Stopwatch.StartNew();
                var cpuBefore = portal.CpuTime();
                var openTimes = new ConcurrentBag<double>();
                var toOpen = target - previousCount;
                await Parallel.ForAsync(0, toOpen, new ParallelOptions { MaxDegreeOfParallelism = Openers }, async (_, _) =>
                {
                    var one = Stopwatch.StartNew();
                    try
                    {
                        circuits.Add(await BlazorCircuit.OpenAsync(http, portal.RootUri, keepTree: false, TimeSpan.FromSeconds(60)));
                        openTimes.Add(one.Elapsed.TotalMilliseconds);
                    }
                    catch (Exception ex)
                    {
                        failures.Add($"{ex.GetType().Name}: {ex.Message}");
                    }
                });
                var opened = opening.Elapsed;
                var serverCpu = portal.CpuTime() - cpuBefore;
                var alive = circuits.Count(c => c.Failure is null);
                // The portal's own count must agree before anything is measured.
                var gauge = await WaitForGaugeAsync(portal, http, offset + alive, TimeSpan.FromSeconds(60));
                await Task.Delay(options.Settle);
                var sample = await SampleAsync(portal, http);
                var perCircuit = (sample.Rss - baseline.Rss) / (double)Math.Max(1, alive);
                var marginal = (sample.Rss - previous.Rss) / (double)Math.Max(1, alive - previousCount);
                var heapPerCircuit = ((sample.Heap ?? 0) - (baseline.Heap ?? 0)) / Math.Max(1, alive);
                var live = await portal.LiveHeapBytesAsync(http);
                var livePerCircuit = ((live ?? 0) - (baselineLive ?? 0)) / Math.Max(1, alive);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"   N={target,5}: open {alive} (gauge {gauge - offset}), failed {failures.Count}; opened in {opened.TotalSeconds:0.0} s " +
                    $"({toOpen / opened.TotalSeconds:0} /s, each p50 {Program.Percentile([.. openTimes], 0.5):0} ms p95 {Program.Percentile([.. openTimes], 0.95):0} ms, server CPU {serverCpu.TotalMilliseconds / Math.Max(1, toOpen):0.0} ms per circuit); " +
                    $"RSS {Mb(sample.Rss)} MB → {perCircuit / 1024:0} KB per circuit (marginal {marginal / 1024:0} KB), " +
                    $"managed heap {Mb(sample.Heap)} MB → {heapPerCircuit / 1024:0} KB per circuit, live after a full GC {Mb(live)} MB → {livePerCircuit / 1024:0} KB per circuit; " +
                    $"peak RSS {Mb(portal.PeakResidentBytes())} MB"));
                previous = sample;
                previousCount = alive;
                if (failures.Count > target / 10)
                {
                    Console.WriteLine($"   broke: more than a tenth failed to open; first failures: {string.Join(" | ", failures.Distinct().Take(3))}");
                    break;
                }
            }

            // Held open: pings and nothing else. Do they stay alive, and does the memory stay put?
            var held = Stopwatch.StartNew();
            await Task.Delay(options.Hold);
            var afterHold = await SampleAsync(portal, http);
            var stillAlive = circuits.Count(c => c.Failure is null);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   held {held.Elapsed.TotalSeconds:0} s: {stillAlive} of {circuits.Count} still open (gauge {afterHold.OpenCircuits - offset}), " +
                $"RSS {Mb(afterHold.Rss)} MB, managed heap {Mb(afterHold.Heap)} MB"));
            foreach (var reason in circuits.Where(c => c.Failure is not null).Select(c => c.Failure!).Concat(failures).GroupBy(r => r).Take(5))
            {
                Console.WriteLine($"   {reason.Count()}× {reason.Key}");
            }
        }
        finally
        {
            Console.WriteLine($"   JS calls a start page made: {string.Join(", ", BlazorCircuit.JSCalls.Select(c => $"{c.Key}×{c.Value}"))}");
            BlazorCircuit.JSCalls.Clear();
            await Parallel.ForEachAsync(circuits, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (c, _) => await c.DisposeAsync());
            foreach (var line in portal.Output.Where(l => l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("error", StringComparison.OrdinalIgnoreCase)).Take(5))
            {
                Console.WriteLine($"   portal: {line}");
            }
        }
    }

    private static async Task<double?> WaitForGaugeAsync(PortalProcess portal, HttpClient http, int expected, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var open = (await SampleAsync(portal, http)).OpenCircuits;
            if (open == expected || waited.Elapsed > timeout)
            {
                return open;
            }
            await Task.Delay(500);
        }
    }

    private static async Task<Sample> SampleAsync(PortalProcess portal, HttpClient http)
    {
        var metrics = await http.GetStringAsync("/metrics");
        return new Sample(portal.ResidentBytes(),
            PortalProcess.Series(metrics, "dotnet_gc_last_collection_heap_size_bytes"),
            PortalProcess.Series(metrics, "delistportal_circuits_open"));
    }

    private static string Mb(double? bytes) => bytes is { } b ? (b / 1024 / 1024).ToString("0", CultureInfo.InvariantCulture) : "?";

    private sealed record Sample(long Rss, double? Heap, double? OpenCircuits);

    public sealed record Options(string DataRoot, IReadOnlyList<int> CircuitCounts, IReadOnlyList<Variant> Variants, int Rounds, TimeSpan Settle, TimeSpan Hold);
}
