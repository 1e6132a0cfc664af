using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DelistPortal.AdminBenchmarks;

/// <summary>
/// Importing a 100,000-row CSV file (parse and check, then list in batches of 1,000, each with its history event)
/// into the database that already holds 1,000,000 listings. Each iteration imports networks not listed before.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 3, invocationCount: 1)]
[MemoryDiagnoser]
public class ImportBenchmarks
{
    public const int Rows = 100_000;

    private BenchmarkDatabase _database = null!;
    private BlocklistService _blocklist = null!;
    private byte[] _csv = [];
    private int _iteration;

    [GlobalSetup]
    public void Setup()
    {
        _database = BenchmarkDatabase.OpenOrCreate();
        var clock = new FakeTimeProvider(BenchmarkDatabase.Now);
        _blocklist = new BlocklistService(_database, new ListingPolicy(Options.Create(new BlocklistOptions())), clock, NullLogger<BlocklistService>.Instance);
    }

    [IterationSetup]
    public void MakeFile()
    {
        // Fresh networks each time, in public space above the generated listings (from 60.0.0.0 on).
        var csv = new StringBuilder("network,reason,detail,expires,self_service\n");
        var start = 0x3C00_0000u + (uint)(_iteration++ * Rows * 2) + (uint)Environment.TickCount % 1000 * 0x40_0000u;
        for (var i = 0; i < Rows; i++)
        {
            var address = new System.Net.IPAddress(BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(start + (uint)i * 2)));
            csv.Append(address).Append(",Spam,\"Imported for the benchmark, row ").Append(i).Append("\",,true\n");
        }
        _csv = Encoding.UTF8.GetBytes(csv.ToString());
    }

    [Benchmark]
    public async Task<ImportResult> Import100kRows()
    {
        var preview = await ListingImporter.ParseAsync(new MemoryStream(_csv), BenchmarkDatabase.Now, CancellationToken.None);
        if (preview.Errors.Count > 0)
        {
            throw new InvalidOperationException($"Line {preview.Errors[0].Line}: {preview.Errors[0].Kind} {preview.Errors[0].Value}");
        }
        var result = await ListingImporter.ImportRowsAsync(_blocklist, preview.Rows, Actor.Admin("bench"), null, null, CancellationToken.None);
        if (result.Listed != Rows)
        {
            throw new InvalidOperationException($"Listed {result.Listed} of {Rows} ({result.AlreadyListed} already listed)");
        }
        return result;
    }
}
