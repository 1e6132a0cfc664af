using BenchmarkDotNet.Attributes;
using DelistPortal.Blocklist.Index;

namespace DelistPortal.Benchmarks;

/// <summary>Start-up: building the index from 1,000,000 listings.</summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 5)]
[MemoryDiagnoser]
public class LoadBenchmarks
{
    private List<IndexEntry> _entries = [];

    [GlobalSetup]
    public void Setup() => _entries = SyntheticBlocklist.Create();

    [Benchmark]
    public int Load1M()
    {
        var index = new BlocklistIndex(TimeProvider.System);
        index.Load(_entries);
        return index.Count;
    }
}
