using System.Diagnostics;
using System.Reflection;
using DelistPortal.Blocklist.Index;

namespace DelistPortal.Benchmarks;

/// <summary>Memory per listing and the latency of each single change, on a 1,000,000-listing index.</summary>
public static class IndexReport
{
    private const int Changes = 20_000;

    public static void Run()
    {
        List<IndexEntry>? entries = SyntheticBlocklist.Create();
        Console.WriteLine($"Listings: {entries.Count:N0}  (.NET {Environment.Version}, {Environment.ProcessorCount} cores, server GC: {System.Runtime.GCSettings.IsServerGC})");

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var index = new BlocklistIndex(TimeProvider.System);
        var load = Stopwatch.StartNew();
        index.Load(entries);
        load.Stop();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"Load (cold, first call): {load.Elapsed.TotalMilliseconds:N0} ms");
        Console.WriteLine($"EstimatedBytes: {index.EstimatedBytes:N0} = {(double)index.EstimatedBytes / index.Count:N1} bytes a listing");
        Console.WriteLine($"GC.GetTotalMemory delta: {after - before:N0} = {(double)(after - before) / index.Count:N1} bytes a listing");

        // The app drops the loaded entities after Load; a million IPAddress objects left alive would make every
        // full collection below mark them.
        var loaded = entries.Count;
        entries = null;
        GC.Collect();

        MeasureChanges(index, loaded, withReader: false);
        MeasureChanges(index, loaded + Changes, withReader: true);
    }

    /// <summary>
    /// Times each Upsert/Remove call. The new snapshot is published before the call returns, so this is the time from
    /// the change to readers seeing it. Half add new listings, a quarter replace one, a quarter remove one.
    /// </summary>
    private static void MeasureChanges(BlocklistIndex index, int nextId, bool withReader)
    {
        var random = new Random(SyntheticBlocklist.Seed + 2);
        var compactionsBefore = CompactionCount(index);
        var gen2Before = GC.CollectionCount(2);
        var pauseBefore = GC.GetTotalPauseDuration();
        var reading = true;
        long lookups = 0;
        var reader = new Thread(() =>
        {
            var readerRandom = new Random(3);
            long count = 0;
            while (Volatile.Read(ref reading))
            {
                index.TryFindMostSpecific(SyntheticBlocklist.RandomV4(readerRandom), out _);
                count++;
            }
            lookups = count;
        });
        var clock = Stopwatch.StartNew();
        if (withReader)
        {
            reader.Start();
        }

        var micros = new double[Changes];
        // Per call, how much of it the garbage collector had every thread stopped: tells GC pauses from the rest.
        var pausedMicros = new double[Changes];
        var slow = new List<string>();
        for (var i = 0; i < Changes; i++)
        {
            var roll = random.Next(4);
            var pausedBefore = GC.GetTotalPauseDuration();
            var start = Stopwatch.GetTimestamp();
            if (roll < 2)
            {
                index.Upsert(new IndexEntry(nextId++, SyntheticBlocklist.RandomNetwork(random), Blocklist.ListingReason.Spam, null));
            }
            else if (roll == 2)
            {
                index.Upsert(new IndexEntry(random.Next(1, nextId), SyntheticBlocklist.RandomNetwork(random), Blocklist.ListingReason.Policy, null));
            }
            else
            {
                index.Remove(random.Next(1, nextId));
            }
            micros[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            pausedMicros[i] = (GC.GetTotalPauseDuration() - pausedBefore).TotalMicroseconds;
            if (micros[i] > 10_000)
            {
                var gc = GC.GetGCMemoryInfo(GCKind.Any);
                slow.Add($"{micros[i] / 1000:N1} / {pausedMicros[i] / 1000:N1} (last GC: gen {gc.Generation}, " +
                    $"{(gc.Concurrent ? "background" : "blocking")}{(gc.Compacted ? ", compacting" : "")}, pause {gc.PauseDurations[0].TotalMilliseconds:N1} ms)");
            }
        }
        var elapsed = clock.Elapsed;
        Volatile.Write(ref reading, false);
        if (withReader)
        {
            reader.Join();
        }

        Array.Sort(micros);
        double At(double quantile) => micros[(int)Math.Min(micros.Length - 1, quantile * micros.Length)];
        Console.WriteLine();
        Console.WriteLine($"{Changes:N0} changes {(withReader ? "with one reader thread looking up meanwhile" : "with no reader")}, " +
            $"{CompactionCount(index) - compactionsBefore} compactions finished, {elapsed.TotalSeconds:N1} s");
        Console.WriteLine($"  change visible after (µs): median {At(0.5):N0}, p90 {At(0.9):N0}, p99 {At(0.99):N0}, " +
            $"p99.9 {At(0.999):N0}, max {micros[^1]:N0}; over 10 ms: {micros.Count(m => m > 10_000)}");
        Console.WriteLine($"  GC meanwhile: {GC.CollectionCount(2) - gen2Before} gen-2 collections, {(GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds:N0} ms paused");
        if (slow.Count > 0)
        {
            Console.WriteLine("  calls over 10 ms (duration / GC pause inside it, ms): " +
                string.Join("; ", slow));
        }
        if (withReader)
        {
            Console.WriteLine($"  reader meanwhile: {lookups / elapsed.TotalSeconds:N0} IPv4 lookups/s");
        }
    }

    // Diagnostic only: the count is internal to keep it out of the public API.
    private static int CompactionCount(BlocklistIndex index) =>
        (int)typeof(BlocklistIndex).GetProperty("CompactionCount", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(index)!;
}
