using System.Net;
using BenchmarkDotNet.Attributes;
using DelistPortal.Blocklist.Index;

namespace DelistPortal.Benchmarks;

/// <summary>
/// Lookups in a 1,000,000-listing index on one thread. Each invocation looks up 65,536 different addresses, more than
/// the caches hold, so the figures are not flattered by repeating a few hot addresses. Run twice: with listings that
/// never expire, and with every listing expiring (a year ahead), so that each hit also reads the clock.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 5)]
[MemoryDiagnoser]
public class LookupBenchmarks
{
    private const int Batch = 1 << 16;

    private readonly BlocklistIndex _index = new(TimeProvider.System);
    private uint[] _v4Hits = [];
    private uint[] _v4Misses = [];
    private UInt128[] _v6Hits = [];
    private UInt128[] _v6Misses = [];
    private IPAddress[] _mixedAddresses = [];

    [Params(false, true)]
    public bool Expiring { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var entries = SyntheticBlocklist.Create();
        var expiresAt = TimeProvider.System.GetUtcNow().AddYears(1);
        _index.Load(Expiring ? entries.Select(e => e with { ExpiresAt = expiresAt }) : entries);

        var random = new Random(SyntheticBlocklist.Seed + 1);
        var v4Hits = new List<uint>(Batch);
        var v6Hits = new List<UInt128>(Batch);
        while (v4Hits.Count < Batch || v6Hits.Count < Batch)
        {
            var (v4, v6, isV4) = SyntheticBlocklist.AddressIn(entries[random.Next(entries.Count)].Network, random);
            if (isV4 && v4Hits.Count < Batch)
            {
                v4Hits.Add(v4);
            }
            else if (!isV4 && v6Hits.Count < Batch)
            {
                v6Hits.Add(v6);
            }
        }
        _v4Hits = [.. v4Hits];
        _v6Hits = [.. v6Hits];
        _v4Misses = Misses(() => SyntheticBlocklist.RandomV4(random), a => _index.TryFindMostSpecific(a, out _));
        _v6Misses = Misses(() => SyntheticBlocklist.RandomV6(random), a => _index.TryFindMostSpecific(a, out _));
        _mixedAddresses = Enumerable.Range(0, Batch)
            .Select(i => (i % 4) switch
            {
                0 => SyntheticBlocklist.ToAddress(_v4Hits[i]),
                1 => SyntheticBlocklist.ToAddress(_v4Misses[i]),
                2 => SyntheticBlocklist.ToAddress(_v6Hits[i]),
                _ => SyntheticBlocklist.ToAddress(_v6Misses[i]),
            })
            .ToArray();
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int IPv4Hit() => CountHits(_v4Hits);

    [Benchmark(OperationsPerInvoke = Batch)]
    public int IPv4Miss() => CountHits(_v4Misses);

    [Benchmark(OperationsPerInvoke = Batch)]
    public int IPv6Hit() => CountHits(_v6Hits);

    [Benchmark(OperationsPerInvoke = Batch)]
    public int IPv6Miss() => CountHits(_v6Misses);

    /// <summary>The IPAddress overload, a quarter each of v4/v6 hits/misses.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int IPAddressMixed()
    {
        var hits = 0;
        foreach (var address in _mixedAddresses)
        {
            hits += _index.TryFindMostSpecific(address, out _) ? 1 : 0;
        }
        return hits;
    }

    private int CountHits(uint[] addresses)
    {
        var hits = 0;
        foreach (var address in addresses)
        {
            hits += _index.TryFindMostSpecific(address, out _) ? 1 : 0;
        }
        return hits;
    }

    private int CountHits(UInt128[] addresses)
    {
        var hits = 0;
        foreach (var address in addresses)
        {
            hits += _index.TryFindMostSpecific(address, out _) ? 1 : 0;
        }
        return hits;
    }

    private static T[] Misses<T>(Func<T> next, Func<T, bool> isListed)
    {
        var misses = new T[Batch];
        for (var i = 0; i < Batch;)
        {
            var candidate = next();
            if (!isListed(candidate))
            {
                misses[i++] = candidate;
            }
        }
        return misses;
    }
}
