using System.Diagnostics;
using System.Net;
using System.Text;

namespace DelistPortal.Tests.Support;

/// <summary>
/// A real rbldnsd (Debian package <c>rbldnsd</c>; test.sh installs it) serving zone data on a free loopback port, for
/// checking that what the portal exports means the same to rbldnsd as to the built-in DNSBL.
/// </summary>
public sealed class Rbldnsd : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _directory;
    private readonly StringBuilder _output;

    private Rbldnsd(Process process, DirectoryInfo directory, StringBuilder output, IPEndPoint endPoint)
    {
        _process = process;
        _directory = directory;
        _output = output;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    public static string Executable =>
        new[] { Environment.GetEnvironmentVariable("RBLDNSD_PATH"), "/usr/sbin/rbldnsd", "/usr/bin/rbldnsd", "/usr/local/sbin/rbldnsd" }
            .FirstOrDefault(path => !string.IsNullOrEmpty(path) && File.Exists(path))
        ?? throw new InvalidOperationException("rbldnsd is not installed: apt-get install rbldnsd (test.sh does it when run as root), or set RBLDNSD_PATH.");

    /// <summary>Serves <paramref name="ip4set"/> and <paramref name="ip6trie"/> (rbldnsd data files) as <paramref name="zone"/>; returns once it answers.</summary>
    public static async Task<Rbldnsd> StartAsync(string zone, string ip4set, string ip6trie)
    {
        var directory = Directory.CreateTempSubdirectory("delistportal-rbldnsd-");
        // rbldnsd run by root drops to its own user, which must be able to read the files.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory.FullName, (UnixFileMode)0b111_101_101);
        }
        foreach (var (name, text) in new[] { ("v4.zone", ip4set), ("v6.zone", ip6trie) })
        {
            var path = Path.Combine(directory.FullName, name);
            await File.WriteAllTextAsync(path, text);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
            }
        }
        // A free port can be taken between looking and binding: try a few.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.TcpAndUdp();
            var output = new StringBuilder();
            var start = new ProcessStartInfo(Executable)
            {
                ArgumentList = { "-n", "-b", $"127.0.0.1/{port}", "-r", directory.FullName, "-w", "/", $"{zone}:ip4set:v4.zone", $"{zone}:ip6trie:v6.zone" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var server = new Rbldnsd(process, directory, output, new IPEndPoint(IPAddress.Loopback, port));
            if (await server.AnswersAsync(zone))
            {
                return server;
            }
            await server.StopAsync();
            if (attempt == 3)
            {
                directory.Delete(recursive: true);
                throw new InvalidOperationException($"rbldnsd did not start:\n{output}");
            }
        }
    }

    /// <summary>What rbldnsd printed (its load report, warnings about lines it refused).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private async Task<bool> AnswersAsync(string zone)
    {
        var client = new DnsblClient(EndPoint, tcp: false);
        for (var i = 0; i < 50 && !_process.HasExited; i++)
        {
            try
            {
                await client.AskAsync(DnsblClient.NameOf("127.0.0.2", zone));
                return true;
            }
            catch (Exception ex) when (ex is TimeoutException or System.Net.Sockets.SocketException)
            {
                await Task.Delay(100);
            }
        }
        return false;
    }

    private async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _directory.Delete(recursive: true);
    }
}
