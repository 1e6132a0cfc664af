using System.Globalization;
using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using DelistPortal.Blocklist;
using DelistPortal.Blocklist.Index;
using DelistPortal.Dnsbl;
using DelistPortal.Portal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DelistPortal.Benchmarks;

/// <summary>
/// The DNSBL comparison's parts (bench/dnsbl/run.sh drives them): the 1,000,000-listing zone exported for rbldnsd and
/// a dnsperf query file, and our responder or one on ARSoft.Tools.Net's DnsServer serving the same listings.
/// </summary>
public static class DnsblBench
{
    public const string Zone = "bl.bench.example";

    private static readonly DnsblOptions Options = new() { Zone = Zone };
    private static readonly Uri Portal = new("https://delist.example.net/");

    /// <summary>Writes DIR/v4.zone, DIR/v6.zone and DIR/queries.txt (half listed, half not).</summary>
    public static async Task PrepareAsync(string folder, int queries = 200_000)
    {
        Directory.CreateDirectory(folder);
        var entries = SyntheticBlocklist.Create();
        var zone = DnsblZone.Create(Options, Portal, DateTimeOffset.UtcNow);
        await using (var v4 = new StreamWriter(Path.Combine(folder, "v4.zone")) { NewLine = "\n" })
        await using (var v6 = new StreamWriter(Path.Combine(folder, "v6.zone")) { NewLine = "\n" })
        {
            await new RbldnsdZoneWriter(zone).WriteAsync(ToAsync(entries.Select(e => (e.Network, e.Reason))), v4, v6);
        }

        var index = Load(entries);
        var random = new Random(SyntheticBlocklist.Seed + 1);
        await using var file = new StreamWriter(Path.Combine(folder, "queries.txt")) { NewLine = "\n" };
        for (var i = 0; i < queries; i++)
        {
            (uint V4, UInt128 V6, bool IsV4) address;
            if (i % 2 == 0)
            {
                address = SyntheticBlocklist.AddressIn(entries[random.Next(entries.Count)].Network, random);
            }
            else
            {
                do
                {
                    address = random.Next(10) < 8 ? (SyntheticBlocklist.RandomV4(random), default, true) : (default, SyntheticBlocklist.RandomV6(random), false);
                }
                while (address.IsV4 ? index.TryFindMostSpecific(address.V4, out _) : index.TryFindMostSpecific(address.V6, out _));
            }
            await file.WriteLineAsync(NameOf(address) + " A");
        }
        Console.WriteLine($"{entries.Count:N0} listings exported to {folder}/v4.zone and v6.zone; {queries:N0} queries in {folder}/queries.txt");
    }

    /// <summary>Serves the synthetic listings on 127.0.0.1:PORT until stdin closes or the process is killed.</summary>
    public static async Task ServeAsync(int port, bool arsoft)
    {
        var index = Load(SyntheticBlocklist.Create());
        GC.Collect();
        IAsyncDisposable server = arsoft ? StartArsoft(index, port) : await StartOursAsync(index, port);
        Console.WriteLine($"ready: {(arsoft ? "ARSoft.Tools.Net DnsServer" : "DelistPortal responder")} on 127.0.0.1:{port}, {index.Count:N0} listings");
        var done = new TaskCompletionSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; done.TrySetResult(); };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => done.TrySetResult();
        await done.Task;
        await server.DisposeAsync();
    }

    private static BlocklistIndex Load(List<IndexEntry> entries)
    {
        var index = new BlocklistIndex(TimeProvider.System);
        index.Load(entries);
        return index;
    }

    private static async Task<IAsyncDisposable> StartOursAsync(BlocklistIndex index, int port)
    {
        var server = new DnsblServer(
            Microsoft.Extensions.Options.Options.Create(new DnsblOptions { Zone = Zone, Port = port }),
            Microsoft.Extensions.Options.Options.Create(new PortalOptions { PublicBaseUrl = Portal.AbsoluteUri }),
            index, TimeProvider.System, NullLogger<DnsblServer>.Instance);
        await server.StartAsync(CancellationToken.None);
        return new Stopper(async () => { await server.StopAsync(CancellationToken.None); server.Dispose(); });
    }

    /// <summary>The same answers (A and TXT from the index) through ARSoft's server: it parses and encodes each message.</summary>
    private static IAsyncDisposable StartArsoft(BlocklistIndex index, int port)
    {
        var zone = DomainName.Parse(Zone);
        var code = IPAddress.Parse("127.0.0.2");
        var server = new DnsServer(new UdpServerTransport(new IPEndPoint(IPAddress.Loopback, port), 1000));
        server.QueryReceived += (_, e) =>
        {
            if (e.Query is not DnsMessage query || query.Questions.Count != 1)
            {
                return Task.CompletedTask;
            }
            var response = query.CreateResponseInstance();
            var question = query.Questions[0];
            response.IsAuthoritiveAnswer = true;
            if (!question.Name.IsSubDomainOf(zone))
            {
                response.ReturnCode = ReturnCode.Refused;
            }
            else if (TryParse(question.Name.Labels.AsSpan(0, question.Name.LabelCount - zone.LabelCount), out var v4)
                && index.TryFindMostSpecific(v4, out IndexHit _))
            {
                response.AnswerRecords.Add(question.RecordType == RecordType.Txt
                    ? new TxtRecord(question.Name, 60, $"Access denied, banned sending IP [{new IPAddress(BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v4)))}]")
                    : new ARecord(question.Name, 60, code));
            }
            else if (question.Name.LabelCount - zone.LabelCount == 32 && TryParse6(question.Name.Labels.AsSpan(0, 32), out var v6)
                && index.TryFindMostSpecific(v6, out IndexHit _))
            {
                response.AnswerRecords.Add(new ARecord(question.Name, 60, code));
            }
            else
            {
                response.ReturnCode = ReturnCode.NxDomain;
            }
            e.Response = response;
            return Task.CompletedTask;
        };
        server.Start();
        return new Stopper(() => { server.Stop(); return Task.CompletedTask; });
    }

    private static bool TryParse(ReadOnlySpan<string> labels, out uint v4)
    {
        v4 = 0;
        if (labels.Length != 4)
        {
            return false;
        }
        for (var i = 3; i >= 0; i--)
        {
            if (!byte.TryParse(labels[i], NumberStyles.None, CultureInfo.InvariantCulture, out var octet))
            {
                return false;
            }
            v4 = (v4 << 8) | octet;
        }
        return true;
    }

    private static bool TryParse6(ReadOnlySpan<string> labels, out UInt128 v6)
    {
        v6 = 0;
        for (var i = 31; i >= 0; i--)
        {
            if (labels[i].Length != 1 || !byte.TryParse(labels[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var nibble))
            {
                return false;
            }
            v6 = (v6 << 4) | nibble;
        }
        return true;
    }

    private static string NameOf((uint V4, UInt128 V6, bool IsV4) address)
    {
        if (address.IsV4)
        {
            var v = address.V4;
            return $"{v & 0xFF}.{(v >> 8) & 0xFF}.{(v >> 16) & 0xFF}.{v >> 24}.{Zone}";
        }
        var nibbles = new string[32];
        for (var i = 0; i < 32; i++)
        {
            nibbles[i] = ((int)(address.V6 >> (4 * i)) & 0xF).ToString("x", CultureInfo.InvariantCulture);
        }
        return string.Join('.', nibbles) + "." + Zone;
    }

    private static async IAsyncEnumerable<T> ToAsync<T>(IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            yield return item;
        }
        await Task.CompletedTask;
    }

    private sealed class Stopper(Func<Task> stop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await stop();
    }
}
