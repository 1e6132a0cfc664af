using DelistPortal.Admin;
using DelistPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace DelistPortal.EndToEnd.Support;

/// <summary>
/// Everything a sender meets, for real: the portal on a loopback port (Kestrel, SQLite file), an SMTP server that
/// receives its mail, and Debian's Chromium driven by Playwright. One per test class.
/// </summary>
public class PortalUnderTest : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    private readonly bool _withSmtp;
    private IPlaywright? _playwright;

    public PortalUnderTest() : this(withSmtp: true)
    {
    }

    /// <param name="withSmtp">False runs the portal as `dotnet run` does out of the box: mail goes to the Mailbox page.</param>
    /// <param name="postgreSql">
    /// A connection string to a database the portal creates on start, instead of the SQLite file in its data folder.
    /// </param>
    protected PortalUnderTest(bool withSmtp, string? postgreSql = null)
    {
        _withSmtp = withSmtp;
        PostgreSql = postgreSql;
    }

    /// <summary>The PostgreSQL database the portal runs on, or null on SQLite.</summary>
    public string? PostgreSql { get; }

    public SmtpReceiver Smtp { get; private set; } = null!;

    public PortalFactory Portal { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public Uri RootUri { get; private set; } = null!;

    /// <summary>What the browser reported as blocked by the Content-Security-Policy, on any page opened here.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> CspViolations { get; } = new();

    public async Task InitializeAsync()
    {
        Smtp = await SmtpReceiver.StartNewAsync();
        // The public base URL must be known before start: the links in the mail point at it.
        var port = FreePort.Tcp();
        RootUri = new Uri($"http://127.0.0.1:{port}/");
        var settings = new Dictionary<string, string?> { ["Portal:PublicBaseUrl"] = RootUri.AbsoluteUri };
        if (PostgreSql is not null)
        {
            settings["Database:Provider"] = "PostgreSQL";
            settings["ConnectionStrings:Portal"] = PostgreSql;
        }
        Portal = new PortalFactory(_withSmtp ? Smtp.Port : null, settings);
        Portal.UseKestrel(port);
        Portal.StartServer();

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        await Portal.DisposeAsync();
        await Smtp.DisposeAsync();
        if (PostgreSql is not null)
        {
            PostgreSqlServer.DropDatabase(PostgreSql);
        }
    }

    /// <summary>
    /// Creates an admin-area account through the service (skipping the setup link), as an admin would. False when the
    /// account is already there: test classes share the portal, so seeding runs once for all their cases.
    /// </summary>
    public async Task<bool> AddAccountAsync(string userName, string password, string role)
    {
        var accounts = Portal.Services.GetRequiredService<AdminUserService>();
        var caller = Principals.Admin("setup");
        if ((await accounts.ListAsync(caller)).Any(u => u.UserName == userName))
        {
            return false;
        }
        var created = await accounts.CreateAsync(caller, userName, $"{userName}@operator.example", password, role);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors));
        return true;
    }

    /// <summary>Opens a page and waits until the circuit is up: clicks before that would be lost.</summary>
    public async Task<IPage> OpenAsync(IBrowserContext context, string pathAndQuery)
    {
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                CspViolations.Enqueue(message.Text);
            }
        };
        await page.GotoAsync(new Uri(RootUri, pathAndQuery).AbsoluteUri);
        await page.Locator("[data-interactive='true']").WaitForAsync();
        return page;
    }

}
