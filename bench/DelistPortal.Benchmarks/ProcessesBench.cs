using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using DelistPortal.Api;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using DelistPortal.Portal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DelistPortal.Benchmarks;

/// <summary>
/// Several real portal processes on one SQLite file (docs/benchmarks.md, "Several processes"):
/// <list type="bullet">
/// <item>how long a change made through process A's API takes to reach process C's DNSBL (C runs only the DNSBL);</item>
/// <item>how long a DNSBL-only process takes from its start to its first answer with 1,000,000 listings, and its memory.</item>
/// </list>
/// Usage: <c>--processes-report FOLDER [changes]</c>. The million-listing database is made once in FOLDER/million.
/// With DELISTPORTAL_BENCH_POSTGRESQL (a connection string to a PostgreSQL server) the change latency is measured again in
/// the same run on a new database there, A and C each with their own data folder, as two hosts.
/// </summary>
public static class ProcessesBench
{
    private const string Zone = "dnsbl.portal.example";

    public static async Task RunAsync(string folder, int changes)
    {
        if (changes > 0)
        {
            var run = DateTime.UtcNow.Ticks.ToString(CultureInfo.InvariantCulture);
            await ChangeLatencyAsync(Path.Combine(folder, "latency-" + run), changes, postgreSql: null);
            if (Environment.GetEnvironmentVariable("DELISTPORTAL_BENCH_POSTGRESQL") is { Length: > 0 } server)
            {
                var database = new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = "bench_hosts_" + run }.ToString();
                await ChangeLatencyAsync(Path.Combine(folder, "latency-postgresql-" + run), changes, database);
            }
        }
        await StartWithAMillionAsync(Path.Combine(folder, "million"));
    }

    private static async Task ChangeLatencyAsync(string dataFolder, int changes, string? postgreSql)
    {
        Directory.CreateDirectory(dataFolder);
        string[] settings = postgreSql is null ? [] : ["--Database:Provider", "PostgreSQL", "--ConnectionStrings:Portal", postgreSql];
        // On PostgreSQL, two hosts: nothing shared but the database.
        var folderOfC = postgreSql is null ? dataFolder : Directory.CreateDirectory(Path.Combine(dataFolder, "c")).FullName;
        await using var a = await PortalProcess.StartAsync(dataFolder, "web,dnsbl,worker", settings);
        await using var c = await PortalProcess.StartAsync(folderOfC, "dnsbl", settings);
        IDbContextFactory<PortalDbContext> database = postgreSql is null ? new FileDatabase(Path.Combine(dataFolder, "portal.db")) : new PostgreSqlDatabase(postgreSql);
        var key = await new ApiKeyService(database, TimeProvider.System, NullLogger<ApiKeyService>.Instance)
            .CreateAsync("bench", [ApiScopes.ListingsWrite]);
        Console.WriteLine(postgreSql is null ? "On SQLite (one file, two processes):" : "On PostgreSQL (two hosts, change log woken by NOTIFY):");
        using var http = new HttpClient { BaseAddress = a.RootUri };
        http.DefaultRequestHeaders.Authorization = new("Bearer", key.Secret);
        using var dnsC = new DnsProbe(c.DnsPort);
        using var dnsA = new DnsProbe(a.DnsPort);

        var toC = new List<double>();
        var toA = new List<double>();
        var apiCalls = new List<double>();
        var random = new Random(5);
        for (var i = 0; i < changes / 2; i++)
        {
            var address = $"45.{i / 65536}.{i / 256 % 256}.{i % 256}";
            foreach (var listing in new[] { true, false })
            {
                // Changes come at any moment, not just after C's last poll: without this pause the loop would keep
                // in step with the poll and measure nearly a whole interval every time.
                await Task.Delay(random.Next(0, 100));
                var call = Stopwatch.StartNew();
                var response = listing
                    ? await http.PostAsJsonAsync("api/v1/listings", new { network = address, reason = "Spam", detail = "Benchmark change" })
                    : await http.DeleteAsync($"api/v1/listings/{address}");
                response.EnsureSuccessStatusCode();
                apiCalls.Add(call.Elapsed.TotalMilliseconds);
                var committed = Stopwatch.StartNew();
                // A answers from its own index, which the commit already updated; C polls the change log.
                toA.Add(await WaitAsync(dnsA, address, listing, committed));
                toC.Add(await WaitAsync(dnsC, address, listing, committed));
            }
        }
        Console.WriteLine($"Change through A's API → answered by C's DNSBL (a separate dnsbl-only process), {toC.Count} changes:");
        Console.WriteLine($"  C: {Summary(toC)}");
        Console.WriteLine($"  A itself: {Summary(toA)}");
        Console.WriteLine($"  the API call on A (request to response): {Summary(apiCalls)}");
    }

    /// <summary>
    /// <c>--start-report FOLDER ROLES [rounds]</c>: only the start with a million listings, for a process with the roles
    /// given (e.g. <c>web,dnsbl,worker</c>, the full process); RSS five and thirty seconds after its first answer. The
    /// environment passes to the process (e.g. <c>DOTNET_gcServer=1</c> to compare GC settings).
    /// </summary>
    public static Task StartReportAsync(string folder, string roles, int rounds) => StartWithAMillionAsync(Path.Combine(folder, "million"), roles, rounds);

    private static async Task StartWithAMillionAsync(string dataFolder, string roles = "dnsbl", int rounds = 3)
    {
        var probe = await MillionDatabase.EnsureAsync(dataFolder);
        for (var round = 1; round <= rounds; round++)
        {
            var started = Stopwatch.StartNew();
            await using var c = PortalProcess.Launch(dataFolder, roles);
            using var dns = new DnsProbe(c.DnsPort);
            // A listed /32 from the generator: answered once the index is loaded and the responder listens.
            while (!await AnswersListedAsync(dns, probe))
            {
                c.ThrowIfExited();
                if (started.Elapsed > TimeSpan.FromMinutes(2))
                {
                    throw new TimeoutException("The dnsbl-only process did not answer within two minutes.");
                }
                await Task.Delay(5);
            }
            var firstAnswer = started.Elapsed;
            // CPU time is steadier than wall time on a shared machine: what the start cost the process itself.
            var cpu = c.CpuSeconds();
            await Task.Delay(TimeSpan.FromSeconds(5));
            var rss5 = c.ResidentMegabytes();
            var rss30 = "";
            if (roles != "dnsbl")
            {
                await Task.Delay(TimeSpan.FromSeconds(25));
                rss30 = $", {c.ResidentMegabytes():0} MB thirty seconds later";
            }
            Console.WriteLine($"{roles} process with 1,000,000 listings, round {round}: first answer {firstAnswer.TotalMilliseconds:0} ms after start " +
                $"({cpu:0.00} s of CPU by then); RSS {rss5:0} MB five seconds later{rss30}; its log: {c.LoadLine}{(c.FromSnapshot ? " (from the snapshot)" : "")}");
        }
    }

    /// <summary>False while the process is not answering yet.</summary>
    private static async Task<bool> AnswersListedAsync(DnsProbe dns, string address)
    {
        try
        {
            return await dns.IsListedAsync(address, attempts: 1, timeout: TimeSpan.FromMilliseconds(20));
        }
        catch (Exception ex) when (ex is TimeoutException or SocketException)
        {
            return false;
        }
    }

    private static async Task<double> WaitAsync(DnsProbe dns, string address, bool listed, Stopwatch since)
    {
        while (await dns.IsListedAsync(address) != listed)
        {
            if (since.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new TimeoutException($"{address} was not {(listed ? "listed" : "delisted")} after 10 s");
            }
        }
        return since.Elapsed.TotalMilliseconds;
    }

    private static string Summary(List<double> values)
    {
        var sorted = values.Order().ToList();
        double At(double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
        return $"p50 {At(0.50):0.0} ms, p90 {At(0.90):0.0} ms, p99 {At(0.99):0.0} ms, max {sorted[^1]:0.0} ms";
    }

    /// <summary>A DNSBL query over UDP, built by hand: the probe must cost far less than what it measures.</summary>
    private sealed class DnsProbe(int port) : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 1000 };
        private readonly byte[] _answer = new byte[512];
        private ushort _id;

        public async Task<bool> IsListedAsync(string address, int attempts = 3, TimeSpan? timeout = null)
        {
            var query = Query(address);
            for (var attempt = 0; attempt < attempts; attempt++)
            {
                await _socket.SendToAsync(query, new IPEndPoint(IPAddress.Loopback, port));
                using var waiting = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(1));
                try
                {
                    while (true)
                    {
                        var received = await _socket.ReceiveAsync(_answer, waiting.Token);
                        if (received >= 12 && _answer[0] == query[0] && _answer[1] == query[1])
                        {
                            return (_answer[3] & 0x0F) switch
                            {
                                0 => true,
                                3 => false,
                                var code => throw new InvalidOperationException($"DNS answer code {code} for {address}"),
                            };
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    // Lost on a busy machine: ask again.
                }
            }
            throw new TimeoutException($"No DNS answer for {address} on port {port}");
        }

        private byte[] Query(string address)
        {
            var name = string.Join('.', IPAddress.Parse(address).GetAddressBytes().Reverse()) + "." + Zone;
            var packet = new List<byte> { (byte)(++_id >> 8), (byte)_id, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
            foreach (var label in name.Split('.'))
            {
                packet.Add((byte)label.Length);
                packet.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
            }
            packet.AddRange([0, 0, 1, 0, 1]);
            return [.. packet];
        }

        public void Dispose() => _socket.Dispose();
    }

    /// <summary>
    /// `dotnet DelistPortal.dll` with the given roles on the data folder, on free ports: the build beside this program, or
    /// the folder in DELISTPORTAL_PUBLISHED (e.g. `dotnet publish DelistPortal -c Release -r linux-x64 -o DIR`).
    /// </summary>
    private sealed class PortalProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly List<string> _log = [];

        private PortalProcess(string dataFolder, string roles, IEnumerable<string>? settings = null)
        {
            DnsPort = FreePort();
            RootUri = new Uri($"http://127.0.0.1:{FreePort()}/");
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = Environment.GetEnvironmentVariable("DELISTPORTAL_PUBLISHED") is { Length: > 0 } published ? published : AppContext.BaseDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in new[]
                     {
                         "DelistPortal.dll", "--urls", RootUri.AbsoluteUri.TrimEnd('/'), "--Portal:DataDirectory", dataFolder,
                         "--Portal:Roles", roles, "--Dnsbl:Port", DnsPort.ToString(CultureInfo.InvariantCulture),
                         "--Portal:PublicBaseUrl", RootUri.AbsoluteUri, "--Logging:LogLevel:Default", "Warning",
                         "--Logging:LogLevel:DelistPortal.Data.DatabaseInitializer", "Information",
                         "--Logging:LogLevel:DelistPortal.ChangeLog.ChangeLogFollower", "Information",
                     }.Concat(settings ?? []))
            {
                start.ArgumentList.Add(argument);
            }
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            _process = Process.Start(start)!;
            _process.OutputDataReceived += (_, line) => { lock (_log) { _log.Add(line.Data ?? ""); } };
            _process.ErrorDataReceived += (_, line) => { lock (_log) { _log.Add(line.Data ?? ""); } };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public Uri RootUri { get; }

        public int DnsPort { get; }

        public string LoadLine
        {
            get
            {
                lock (_log)
                {
                    return _log.LastOrDefault(l => l.Contains("into the lookup index", StringComparison.Ordinal))?.Trim() ?? "(not logged)";
                }
            }
        }

        public bool FromSnapshot
        {
            get
            {
                lock (_log)
                {
                    return _log.Any(l => l.Contains("loaded from the snapshot", StringComparison.Ordinal));
                }
            }
        }

        /// <summary>User and system CPU time so far (/proc/PID/stat, in clock ticks of 10 ms).</summary>
        public double CpuSeconds()
        {
            var fields = File.ReadAllText($"/proc/{_process.Id}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }

        public static PortalProcess Launch(string dataFolder, string roles) => new(dataFolder, roles);

        public static async Task<PortalProcess> StartAsync(string dataFolder, string roles, IEnumerable<string>? settings = null)
        {
            var process = new PortalProcess(dataFolder, roles, settings);
            using var http = new HttpClient { BaseAddress = process.RootUri };
            var waited = Stopwatch.StartNew();
            while (true)
            {
                process.ThrowIfExited();
                try
                {
                    if ((await http.GetAsync("health/ready")).IsSuccessStatusCode)
                    {
                        return process;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                if (waited.Elapsed > TimeSpan.FromMinutes(2))
                {
                    throw new TimeoutException("The portal did not start.");
                }
                await Task.Delay(100);
            }
        }

        public void ThrowIfExited()
        {
            if (_process.HasExited)
            {
                lock (_log)
                {
                    throw new InvalidOperationException($"The portal exited with {_process.ExitCode}:\n{string.Join('\n', _log)}");
                }
            }
        }

        public double ResidentMegabytes()
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }

    /// <summary>The portal's database file, for the bench's own writes.</summary>
    private sealed class FileDatabase(string file) : IDbContextFactory<PortalDbContext>
    {
        private readonly DbContextOptions<PortalDbContext> _options =
            new DbContextOptionsBuilder<PortalDbContext>().UseSqlite($"Data Source={file};Default Timeout=30").Options;

        public PortalDbContext CreateDbContext() => new(_options);
    }

    /// <summary>The hosts' PostgreSQL database, for the bench's own writes.</summary>
    private sealed class PostgreSqlDatabase(string connectionString) : IDbContextFactory<PortalDbContext>
    {
        private readonly DbContextOptions<PortalDbContext> _options =
            new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql(connectionString).Options;

        public PortalDbContext CreateDbContext() => PortalDbContext.Create(_options, DatabaseProvider.PostgreSQL);
    }

    /// <summary>
    /// 1,000,000 active listings in an operator's mix (fixed seed): 700,000 IPv4 /32, 100,000 IPv4 /24–/30, 200,000
    /// IPv6 /128, /64 and /48 — written through the portal's own batch import path.
    /// </summary>
    private static class MillionDatabase
    {
        public const string ProbeAddress = "45.0.0.7";

        /// <summary>Makes the database unless FOLDER holds one with a million listings (e.g. an operator's import); returns a listed address to ask for.</summary>
        public static async Task<string> EnsureAsync(string dataFolder)
        {
            Directory.CreateDirectory(dataFolder);
            var file = Path.Combine(dataFolder, "portal.db");
            var database = new FileDatabase(file);
            await using (var db = database.CreateDbContext())
            {
                await db.Database.OpenConnectionAsync();
                await db.Database.ExecuteSqlRawAsync(DelistPortal.Data.DatabaseMigration.SqliteFileSettings);
                await db.Database.MigrateAsync();
                if (await db.Listings.CountAsync() >= 1_000_000)
                {
                    return await db.Listings.AnyAsync(l => l.Network == ProbeAddress && l.Status == ListingStatus.Active)
                        ? ProbeAddress
                        : (await db.Listings.Where(l => l.PrefixLength == 32 && l.Status == ListingStatus.Active && l.ExpiresAt == null && !l.Network.Contains(':'))
                            .OrderBy(l => l.Id).Select(l => l.Network).FirstAsync());
                }
            }
            Console.WriteLine("Making the 1,000,000-listing database (once)...");
            var blocklist = new BlocklistService(database, new ListingPolicy(Options.Create(new BlocklistOptions())), TimeProvider.System, NullLogger<BlocklistService>.Instance);
            var random = new Random(20261201);
            var drafts = new List<ListingDraft>(1000);
            var seen = new HashSet<(UInt128, int)>();
            var made = Stopwatch.StartNew();
            for (var i = 0; i < 1_000_000; i++)
            {
                var network = i switch
                {
                    < 700_000 => new IpNetwork(V4((uint)(0x2D000000 + i)), 32),
                    < 800_000 => V4Range(random),
                    _ => V6(random, i),
                };
                if (!seen.Add((Key(network), network.PrefixLength)))
                {
                    network = new IpNetwork(V4((uint)(0x2E000000 + i)), 32);
                }
                drafts.Add(new ListingDraft(network, ListingReason.Spam, "Benchmark listing", ListingSource.Import) { Permanent = true });
                if (drafts.Count == 1000)
                {
                    await blocklist.ListManyAsync(drafts, Actor.System, null);
                    drafts.Clear();
                }
            }
            Console.WriteLine($"  made in {made.Elapsed.TotalSeconds:0} s");
            return ProbeAddress;
        }

        private static IPAddress V4(uint value) => new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);

        private static IpNetwork V4Range(Random random)
        {
            var prefix = random.Next(24, 31);
            var value = (uint)(0x50000000 + random.Next(0, 0x0FFFFFFF)) & ~((1u << (32 - prefix)) - 1);
            return new IpNetwork(V4(value), prefix);
        }

        private static IpNetwork V6(Random random, int i)
        {
            var bytes = new byte[16];
            bytes[0] = 0x2a;
            bytes[1] = 0x01;
            random.NextBytes(bytes.AsSpan(2, 6));
            var prefix = (i % 3) switch { 0 => 128, 1 => 64, _ => 48 };
            if (prefix == 128)
            {
                random.NextBytes(bytes.AsSpan(8));
            }
            return IpNetwork.Containing(new IPAddress(bytes), prefix);
        }

        private static UInt128 Key(IpNetwork network)
        {
            var bytes = network.Address.GetAddressBytes();
            return bytes.Length == 4 ? new UInt128(0, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes)) : System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
        }
    }
}
