using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace DelistPortal.EndToEnd.Support;

/// <summary>
/// The portal as its own operating-system process (`dotnet DelistPortal.dll`), so a test can kill it with SIGKILL
/// and start it again on the same data folder and port — or start several on one database, with their own roles
/// and their own DNSBL port (<paramref name="dnsblPort"/>; 0 lets the system choose).
/// </summary>
/// <param name="settings">More configuration, as command-line pairs ("--Section:Key", "value").</param>
public sealed class PortalProcess(string dataFolder, int port, int smtpPort, string roles = "web,dnsbl,worker", int dnsblPort = 0,
    IReadOnlyList<string>? settings = null) : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    public Uri RootUri { get; } = new($"http://127.0.0.1:{port}/");

    /// <summary>Where this process's DNSBL answers (with a <paramref name="dnsblPort"/> given).</summary>
    public System.Net.IPEndPoint DnsblEndPoint { get; } = new(System.Net.IPAddress.Loopback, dnsblPort);

    /// <summary>The operating-system process id while it runs.</summary>
    public int? ProcessId => _process?.Id;

    public string Output => string.Join('\n', _output);

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "DelistPortal.dll", "--urls", RootUri.AbsoluteUri.TrimEnd('/'),
                     "--Portal:DataDirectory", dataFolder, "--Portal:PublicBaseUrl", RootUri.AbsoluteUri,
                     "--Mail:Smtp:Host", "127.0.0.1", "--Mail:Smtp:Port", smtpPort.ToString(CultureInfo.InvariantCulture),
                     "--Mail:Smtp:Security", "None", "--Dnsbl:Port", dnsblPort.ToString(CultureInfo.InvariantCulture),
                     "--Portal:Roles", roles,
                 }.Concat(settings ?? []))
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        _process.OutputDataReceived += (_, line) => _output.Enqueue(line.Data ?? "");
        _process.ErrorDataReceived += (_, line) => _output.Enqueue(line.Data ?? "");
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilReadyAsync();
    }

    /// <summary>SIGKILL: no shutdown, no flush, exactly like a crash or the OOM killer.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await KillAsync();

    private async Task WaitUntilReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = RootUri, Timeout = TimeSpan.FromSeconds(2) };
        // Generous: on a machine busy with other builds a start has taken over a minute; a quiet one takes seconds.
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"The portal exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                if ((await client.GetAsync("health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The portal did not become ready:\n{Output}");
    }
}
