using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Blocklist.Index;
using DelistPortal.ChangeLog;
using DelistPortal.Portal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DelistPortal.AdminBenchmarks;

/// <summary>
/// Importing a 100,000-row CSV file (parse and check, then list in batches of 1,000, each with its history event)
/// into the database that already holds 1,000,000 listings. Each iteration imports networks not listed before.
/// With <see cref="LookupIndex"/>, the lookup index follows the import as it does in the app.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 3, invocationCount: 1)]
[MemoryDiagnoser]
public class ImportBenchmarks
{
    public const int Rows = 100_000;

    private BenchmarkDatabase _database = null!;
    private BlocklistService _blocklist = null!;
    private byte[] _csv = [];

    /// <summary>
    /// As in the app, where the in-memory lookup index (loaded with the ~700,000 active listings) follows every
    /// committed listing through the change log (<see cref="ChangeLogCommitSignal"/> wakes the <see cref="ChangeLogFollower"/>
    /// at each commit, which feeds the <see cref="ListingIndexFollower"/>); false measures the database alone.
    /// </summary>
    [Params(false, true)]
    public bool LookupIndex { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _database = BenchmarkDatabase.OpenOrCreate();
        var clock = new FakeTimeProvider(BenchmarkDatabase.Now);
        if (LookupIndex)
        {
            ChangeLogFollower? follower = null;
            _database = _database.With(new ChangeLogCommitSignal(() => follower));
            follower = new ChangeLogFollower(_database, [new ListingIndexFollower(_database, new BlocklistIndex(clock), clock)],
                Options.Create(new ChangeLogOptions()), NullLogger<ChangeLogFollower>.Instance);
            follower.LoadAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        _blocklist = new BlocklistService(_database, new ListingPolicy(Options.Create(new BlocklistOptions())), clock, NullLogger<BlocklistService>.Instance);
    }

    [IterationSetup]
    public void MakeFile()
    {
        // Fresh networks each time, in public space above the generated listings and every earlier import
        // (60.0.0.0 to 99.255.255.255: room for thousands of runs), two addresses apart.
        var csv = new StringBuilder("network,reason,detail,expires,self_service\n");
        var start = Math.Max(0x3C00_0000u, HighestImported() + 2);
        for (var i = 0; i < Rows; i++)
        {
            var address = new System.Net.IPAddress(BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(start + (uint)i * 2)));
            csv.Append(address).Append(",Spam,\"Imported for the benchmark, row ").Append(i).Append("\",,true\n");
        }
        _csv = Encoding.UTF8.GetBytes(csv.ToString());
    }

    private uint HighestImported()
    {
        using var db = _database.CreateDbContext();
        var (from, to) = (Key(0x3C00_0000u), Key(0x6400_0000u));
        var highest = db.Listings.Where(l => l.RangeStart.CompareTo(from) >= 0 && l.RangeStart.CompareTo(to) < 0)
            .Max(l => (string?)l.RangeEnd);
        return highest is null ? 0 : System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(Convert.FromHexString(highest.AsSpan(24)));
    }

    private static string Key(uint address) =>
        AddressKey.From(new System.Net.IPAddress(BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(address))));

    [Benchmark]
    public async Task<ImportResult> Import100kRows()
    {
        var result = await ListingImporter.ImportFileAsync(_blocklist, new MemoryStream(_csv), BenchmarkDatabase.Now, Rows, Actor.Admin("bench"), null, null, null, CancellationToken.None);
        if (result.Listed != Rows)
        {
            throw new InvalidOperationException($"Listed {result.Listed} of {Rows} ({result.AlreadyListed} already listed)");
        }
        return result;
    }
}
