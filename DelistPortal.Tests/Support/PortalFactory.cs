using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace DelistPortal.Tests.Support;

/// <summary>
/// The real portal with its own temporary data folder and SQLite file. With <see cref="StartOnRealPortAsync"/> it
/// listens on a loopback port (Kestrel), so a browser can reach it.
/// </summary>
public sealed class PortalFactory : WebApplicationFactory<Program>
{
    private readonly string _dataFolder = Directory.CreateTempSubdirectory("delistportal-app-").FullName;
    private readonly Dictionary<string, string?> _settings;

    public PortalFactory(int? smtpPort = null, IDictionary<string, string?>? settings = null)
    {
        _settings = new Dictionary<string, string?>
        {
            ["Portal:DataDirectory"] = _dataFolder,
            ["Portal:PublicBaseUrl"] = "http://portal.test/",
            ["Mail:Smtp:Host"] = smtpPort is null ? "" : "127.0.0.1",
            ["Mail:Smtp:Security"] = "None",
            ["Mail:Smtp:Timeout"] = "00:00:05",
            // Test classes run in parallel: each portal's DNSBL takes a free port.
            ["Dnsbl:Port"] = "0",
        };
        if (smtpPort is { } port)
        {
            _settings["Mail:Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public string DataFolder => _dataFolder;

    /// <summary>Everything the app logs, at every level (the first-admin setup link, for one).</summary>
    public LogCapture Logs { get; } = new();

    /// <summary>The address the portal listens on, once started on a real port.</summary>
    public Uri RootUri { get; private set; } = new("http://localhost/");

    public Uri StartOnRealPort()
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        RootUri = new Uri(addresses.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal)
            .Replace("localhost", "127.0.0.1", StringComparison.Ordinal) + "/");
        return RootUri;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Added last, so these win over the operator's appsettings.json.
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(_settings));
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.UseEnvironment(Environment);
    }

    /// <summary>The hosting environment; Production switches on what only production has (HSTS, the error page).</summary>
    public string Environment { get; init; } = "Development";

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A browser may still hold a file for a moment; the folder is in the temp area either way.
        }
    }
}
