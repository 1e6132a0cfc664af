using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Diagnostics.NETCore.Client;

namespace DelistPortal.CapacityBenchmarks;

/// <summary>
/// The Release build of the portal (DelistPortal/bin/Release) as its own process, as an operator runs it, with
/// <c>/metrics</c> on so the benchmark can read the portal's own count of open circuits and the runtime's heap.
/// </summary>
public sealed class PortalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private PortalProcess(string portalDll, string dataFolder, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        RootUri = new Uri($"http://127.0.0.1:{FreePort()}/");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(portalDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
                 {
                     portalDll, "--urls", RootUri.AbsoluteUri.TrimEnd('/'), "--Portal:DataDirectory", dataFolder,
                     "--Portal:PublicBaseUrl", RootUri.AbsoluteUri, "--Portal:SeedDemoData", "false", "--Dnsbl:Port", "0",
                     "--Metrics:Enabled", "true", "--Logging:LogLevel:Default", "Warning",
                 }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        _process.OutputDataReceived += (_, line) => Keep(line.Data);
        _process.ErrorDataReceived += (_, line) => Keep(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri RootUri { get; }

    public int Id => _process.Id;

    /// <summary>The last lines the portal wrote (warnings and errors only, at the benchmark's log level).</summary>
    public IEnumerable<string> Output => _output;

    /// <summary>Another build of the portal to run (--portal PATH), e.g. a copy of the build before a change.</summary>
    public static string? PortalDllOverride { get; set; }

    public static string FindPortalDll()
    {
        if (PortalDllOverride is not null)
        {
            return File.Exists(PortalDllOverride) ? PortalDllOverride : throw new InvalidOperationException($"{PortalDllOverride} does not exist.");
        }
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "DelistPortal.sln")))
        {
            folder = folder.Parent;
        }
        var dll = Path.Combine(folder?.FullName ?? throw new InvalidOperationException("Run from inside the repository."),
            "DelistPortal", "bin", "Release", "net10.0", "DelistPortal.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"Build the portal in Release first ({dll} is missing).");
    }

    public static async Task<PortalProcess> StartAsync(string dataFolder, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var portal = new PortalProcess(FindPortalDll(), dataFolder, arguments, environment);
        using var http = new HttpClient { BaseAddress = portal.RootUri, Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        while (true)
        {
            portal.ThrowIfExited();
            try
            {
                if ((await http.GetAsync("health/ready")).IsSuccessStatusCode)
                {
                    return portal;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            if (waited.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException("The portal did not become ready in two minutes.");
            }
            await Task.Delay(100);
        }
    }

    public void ThrowIfExited()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"The portal exited with {_process.ExitCode}:\n{string.Join('\n', _output)}");
        }
    }

    /// <summary>Resident set size of the server process, from the kernel (/proc/PID/status, VmRSS).</summary>
    public long ResidentBytes() => StatusKilobytes("VmRSS:") * 1024;

    /// <summary>The highest resident set size the process has had (VmHWM).</summary>
    public long PeakResidentBytes() => StatusKilobytes("VmHWM:") * 1024;

    /// <summary>User + system CPU time the server has used so far (/proc/PID/stat, in clock ticks of 10 ms).</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    /// <summary>
    /// What the managed heap holds alive: a full blocking collection is induced over the diagnostics port (an EventPipe
    /// session asking for the GC heap collection, as dotnet-gcdump does), then the runtime's own heap size after the
    /// last collection is read from /metrics. Steadier than the size after whatever collection happened last.
    /// </summary>
    public async Task<double?> LiveHeapBytesAsync(HttpClient http)
    {
        const long gcKeyword = 0x1;
        const long gcHeapCollectKeyword = 0x800000;
        var client = new DiagnosticsClient(_process.Id);
        using (var session = await client.StartEventPipeSessionAsync(
                   [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", System.Diagnostics.Tracing.EventLevel.Informational, gcKeyword | gcHeapCollectKeyword)],
                   requestRundown: false, circularBufferMB: 16, CancellationToken.None))
        {
            var drain = session.EventStream.CopyToAsync(Stream.Null);
            await Task.Delay(TimeSpan.FromSeconds(3));
            await session.StopAsync(CancellationToken.None);
            await drain;
        }
        return Series(await http.GetStringAsync("/metrics"), "dotnet_gc_last_collection_heap_size_bytes");
    }

    private long StatusKilobytes(string field)
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    /// <summary>The sum of a Prometheus series over its labels (e.g. every generation of the heap), or null if absent.</summary>
    public static double? Series(string metrics, string name)
    {
        double? sum = null;
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith(name, StringComparison.Ordinal) && line.Length > name.Length && line[name.Length] is ' ' or '{')
            {
                var value = line[(line.LastIndexOf(' ') + 1)..];
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
                {
                    sum = (sum ?? 0) + parsed;
                }
            }
        }
        return sum;
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

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        while (_output.Count > 200)
        {
            _output.TryDequeue(out _);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
