using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

// The admin area as issue 12's operator meets it: the Release build of the portal in Chromium, their 1,000,000-row file
// imported through the Import page into a new portal, then the listings grid, timed from the user's action to the rows
// rendered (the page's own clock: the action is dispatched in the page and the time taken once the rows are in the DOM
// and a frame has been drawn), with the server's share (the grid's services, as the page measured them) beside it.
//
//   dotnet run -c Release --project bench/DelistPortal.GridBenchmarks -- \
//       --csv /tmp/op-1m.csv --data /tmp/grid-bench [--tries 20] [--only "in the list"]
//
// The CSV comes from `DelistPortal.AdminBenchmarks csv PATH` (fixed seed). An existing data folder is reused (no import).
// DELISTPORTAL_PUBLISHED=DIR runs the portal published there (the README's `dotnet publish ... -r linux-x64`, ReadyToRun)
// instead of the build output, as an operator deploys it.
var options = Options.Parse(args);
var repository = FindRepository();
var portalDll = Environment.GetEnvironmentVariable("DELISTPORTAL_PUBLISHED") is { Length: > 0 } published
    ? Path.Combine(published, "DelistPortal.dll")
    : Path.Combine(repository, "DelistPortal", "bin", "Release", "net10.0", "DelistPortal.dll");
if (!File.Exists(portalDll))
{
    Console.Error.WriteLine($"Build the portal first: dotnet build -c Release DelistPortal ({portalDll} is missing)");
    return 1;
}
var fresh = !File.Exists(Path.Combine(options.Data, "portal.db"));
Directory.CreateDirectory(options.Data);
Console.WriteLine($"Load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");

await using var portal = await Portal.StartAsync(portalDll, options.Data);
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new()
{
    ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
});
var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 }, Locale = "en-GB" });
var page = await context.NewPageAsync();
page.SetDefaultTimeout(120_000);
await SignInAsync(page, portal);

if (fresh)
{
    await ImportAsync(page, portal, options.Csv ?? throw new InvalidOperationException("A new data folder needs --csv FILE to import."));
}

await page.GotoAsync(new Uri(portal.Root, "admin/listings").AbsoluteUri);
await page.Locator("[data-interactive='true']").WaitForAsync();
await page.Locator("nav.grid-pager[data-load='1']").WaitForAsync();
var results = new List<(string View, List<double> Browser, List<double> Server)>();
// Where the renderer's main thread spends its time (Chromium's own counters), per view: the end-to-end figures can
// exceed the server's part by far, and this says whether script, style, layout or something else takes it.
var renderer = await RendererCounters.StartAsync(context, page);
Console.WriteLine($"renderer while idle for 5 s: {await renderer.IdleAsync(TimeSpan.FromSeconds(5))}");
var targets = Targets.From(options.Csv);

async Task Time(string view, int tries, Func<int, Task<Func<string>>> arrange, string until = NewPage)
{
    if (options.Only is { } only && !view.Contains(only, StringComparison.OrdinalIgnoreCase))
    {
        return;
    }
    var (browserTimes, serverTimes) = (new List<double>(), new List<double>());
    RendererCounters.Sample? before = null;
    var origin = 0.0;
    ChromiumTrace? tracing = null;
    for (var i = 0; i < tries + 2; i++)
    {
        if (i == 2)
        {
            before = await renderer.ReadAsync();
            origin = await page.EvaluateAsync<double>("performance.timeOrigin");
            if (options.Trace is { } trace)
            {
                tracing = await ChromiumTrace.StartAsync(context, page);
            }
        }
        var action = await arrange(i);
        var (ms, server) = await MeasureAsync(page, action(), until);
        if (i >= 2)
        {
            // The first two of each view warm it up (a new sort's index pages, JIT).
            browserTimes.Add(ms);
            serverTimes.Add(server);
        }
    }
    // Chromium starts its counters again with every document: a view whose tries open the page again has no total.
    var spent = await page.EvaluateAsync<double>("performance.timeOrigin") == origin
        ? (await renderer.ReadAsync()).Minus(before!).Per(tries).ToString()
        : "not counted (the page was opened again between tries)";
    if (tracing is not null)
    {
        await tracing.StopAsync($"{options.Trace}-{Regex.Replace(view, "[^a-z0-9]+", "-")}.json");
    }
    results.Add((view, browserTimes, serverTimes));
    Console.WriteLine($"{view,-34} p50 {Percentile(browserTimes, 0.5),7:F1} ms  p95 {Percentile(browserTimes, 0.95),7:F1} ms   server p50 {Percentile(serverTimes, 0.5),6:F1} ms  p95 {Percentile(serverTimes, 0.95),6:F1} ms   renderer per try (with its set-up): {spent}");
}

string Click(string selector) => $"document.querySelector({Js(selector)}).click()";

// Pages: next then first, again and again; the last page, then back to the first.
var tries = options.Tries;
await Time("next page", tries, async _ => { await ResetAsync(page); return () => Click("nav.grid-pager button[aria-label='Next page']"); });
await Time("first page (from the second)", tries, async _ =>
{
    await ResetAsync(page);
    await ActAsync(page, Click("nav.grid-pager button[aria-label='Next page']"));
    return () => Click("nav.grid-pager button[aria-label='First page']");
});
await Time("last page", tries, async _ => { await ResetAsync(page); return () => Click("nav.grid-pager button[aria-label='Last page']"); });
await Time("previous page (from the last)", tries, async _ =>
{
    await ResetAsync(page);
    await ActAsync(page, Click("nav.grid-pager button[aria-label='Last page']"));
    return () => Click("nav.grid-pager button[aria-label='Previous page']");
});
foreach (var column in new[] { "IP / range", "Reason", "Listed at (UTC)", "Expires (UTC)", "Status" })
{
    await ResetAsync(page);
    // Each click turns the sort: up, down, off.
    await Time($"sort by {column}", tries, _ => Task.FromResult(() =>
        $"([...document.querySelectorAll('th')].find(th => th.textContent.trim().startsWith({Js(column)})).querySelector('.sortable-column-header') ?? [...document.querySelectorAll('th')].find(th => th.textContent.trim().startsWith({Js(column)})).querySelector('.column-options button')).click()"));
}
await ResetAsync(page);
await Time("reason filter", tries, async i => await OpenFilterAsync(page, "Reason", i % 2 == 0 ? "Malware or botnet" : "Phishing"));
await ResetAsync(page);
await Time("status filter", tries, async i => await OpenFilterAsync(page, "Status", i % 2 == 0 ? "Expired" : "Active"));
await ResetAsync(page);
await Time("IP inside a range (Enter)", tries, i => Task.FromResult(() => Search(targets.AddressesInRanges[i % targets.AddressesInRanges.Count])));
await ResetAsync(page);
await Time("free text, selective", tries, i => Task.FromResult(() => Search(targets.Texts[i % targets.Texts.Count])));
await ResetAsync(page);
await Time("free text, common", tries, i => Task.FromResult(() => Search(i % 2 == 0 ? "spam traps" : "relay tested")));
await ResetAsync(page);
// The first three parts of a listed address ("203.0.113"): the networks written with them (ADR 014).
string BeginningOfListedAddress(int i)
{
    if (targets.ListedAddresses.Count == 0)
    {
        return "198.51.100";
    }
    var address = targets.ListedAddresses[i % targets.ListedAddresses.Count];
    return address[..address.LastIndexOf('.')];
}
await Time("beginning of an address", tries, i => Task.FromResult(() => Search(BeginningOfListedAddress(i))));
// "Show in the list" for an address inside a range: the search first (not timed), then the jump.
await Time("show an address in the list", tries, async i =>
{
    await ResetAsync(page);
    await ActAsync(page, Search(targets.AddressesInRanges[i % targets.AddressesInRanges.Count]));
    return () => Click("[data-testid=jump-to-network]");
});
// The same, until the pager numbers the rows (counted after they are shown; the server column is the page's part only).
await Time("show in the list: row numbers", tries, async i =>
{
    await ResetAsync(page);
    await ActAsync(page, Search(targets.AddressesInRanges[(i + 7) % targets.AddressesInRanges.Count]));
    return () => Click("[data-testid=jump-to-network]");
}, NewPage + " && pager().getAttribute('data-placed') === 'yes'");

// The history: a million events after the import.
var history = new Uri(portal.Root, "admin/history").AbsoluteUri;
await Time("history: next page", tries, async _ => { await ResetAsync(page, history); return () => Click("nav.grid-pager button[aria-label='Next page']"); });
await Time("history: last page", tries, async _ => { await ResetAsync(page, history); return () => Click("nav.grid-pager button[aria-label='Last page']"); });
await Time("history: previous page (from the last)", tries, async _ =>
{
    await ResetAsync(page, history);
    await ActAsync(page, Click("nav.grid-pager button[aria-label='Last page']"));
    return () => Click("nav.grid-pager button[aria-label='Previous page']");
});
await Time("history: actor kind filter", tries, async i => { await ResetAsync(page, history); return await OpenFilterAsync(page, "Actor", i % 2 == 0 ? "Admin" : "Portal"); });

// The sender's side: the Delist IP click to the DNSBL's NXDOMAIN, for listed single addresses and addresses in ranges.
if (options.Only is null || "sender's delist".Contains(options.Only, StringComparison.OrdinalIgnoreCase))
{
    var sender = await context.NewPageAsync();
    foreach (var (kind, candidates) in new[] { ("a listed address", targets.ListedAddresses), ("an address in a range", targets.AddressesInRanges) })
    {
        var times = await SenderDelistTiming.MeasureAsync(sender, portal, candidates, tries);
        results.Add(($"sender's delist of {kind} → NXDOMAIN", times, []));
    }
}

Console.WriteLine();
Console.WriteLine($"Load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine("| view | p50 | p95 | server p50 | server p95 | tries |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
foreach (var (view, browserTimes, serverTimes) in results)
{
    var server = serverTimes.Count == 0 ? "| – | – " : $"| {Percentile(serverTimes, 0.5):F1} ms | {Percentile(serverTimes, 0.95):F1} ms ";
    Console.WriteLine($"| {view} | {Percentile(browserTimes, 0.5):F0} ms | {Percentile(browserTimes, 0.95):F0} ms {server}| {browserTimes.Count} |");
}
return 0;

static string Search(string text) =>
    "(() => { const input = document.querySelector('input.mud-input-root[type=text]'); " +
    $"input.value = {Js(text)}; input.dispatchEvent(new Event('input', {{ bubbles: true }})); " +
    "input.dispatchEvent(new KeyboardEvent('keyup', { key: 'Enter', bubbles: true })); })()";

static string Js(string value) => System.Text.Json.JsonSerializer.Serialize(value);

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];
}

// Runs an action in the page and waits until the grid has rendered the page it loaded (its pager's data-load changes
// in the same render as the rows; or another condition on the pager) and a frame has been drawn; returns the page's
// time for that and the server's.
static async Task<(double Browser, double Server)> MeasureAsync(IPage page, string action, string until = NewPage)
{
    var ms = await page.EvaluateAsync<double>($$"""
        async () => {
            const pager = () => document.querySelector('nav.grid-pager');
            const before = pager().getAttribute('data-load');
            const t0 = performance.now();
            {{action}};
            await new Promise((resolve, reject) => {
                const timeout = setTimeout(() => reject(new Error('no new page within 60 s')), 60000);
                const check = () => { if (pager() && {{until}}) { clearTimeout(timeout); observer.disconnect(); resolve(); return true; } return false; };
                const observer = new MutationObserver(check);
                observer.observe(document.body, { attributes: true, subtree: true, childList: true });
                check();
            });
            await new Promise(resolve => requestAnimationFrame(() => resolve()));
            return performance.now() - t0;
        }
        """);
    var server = double.Parse(await page.Locator("nav.grid-pager").GetAttributeAsync("data-server-ms") ?? "0", CultureInfo.InvariantCulture);
    return (ms, server);
}

static Task ActAsync(IPage page, string action) => MeasureAsync(page, action);

// Back to a grid's first view (the listings: active listings, newest first, no search), on its page or on another.
static async Task ResetAsync(IPage page, string? url = null)
{
    url ??= page.Url.Contains("/admin/listings", StringComparison.Ordinal) ? page.Url.Split('?')[0] : page.Url.Split("/admin/")[0] + "/admin/listings";
    if (page.Url == url && await page.Locator("nav.grid-pager").GetAttributeAsync("data-load") is "1")
    {
        return;
    }
    await page.GotoAsync(url);
    await page.Locator("[data-interactive='true']").WaitForAsync();
    await page.Locator("nav.grid-pager[data-load='1']").WaitForAsync();
}

// Opens a grid's filter menu by its label ("Reason: All"); the timed action is the click on the option.
static async Task<Func<string>> OpenFilterAsync(IPage page, string label, string option)
{
    await page.Locator("button.mud-button-root").Filter(new() { HasTextRegex = new Regex($"^{Regex.Escape(label)}:") }).First.ClickAsync();
    var item = page.Locator(".mud-popover-open [role=menuitemradio]").Filter(new() { HasText = option }).First;
    await item.WaitForAsync();
    // A person reads the list before choosing. Clicking as soon as it shows would land in its opening transition,
    // during which MudBlazor places the popover again in every frame (reading the layout of the whole page): work a
    // person never meets, which added 25-100 ms to the frame that shows the new rows.
    await page.WaitForTimeoutAsync(500);
    return () => $"[...document.querySelectorAll('.mud-popover-open [role=menuitemradio]')].find(e => e.textContent.trim() === {Js(option)}).click()";
}

static async Task SignInAsync(IPage page, Portal portal)
{
    if (await portal.SetupLinkAsync() is { } setup)
    {
        await page.GotoAsync(setup);
        await page.GetByLabel("User name").FillAsync("bench");
        await page.GetByLabel("Email").FillAsync("bench@operator.example");
        await page.GetByLabel("Password").FillAsync("bench-password-12");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create the admin account" }).ClickAsync();
        await page.WaitForLoadStateAsync();
    }
    await page.GotoAsync(new Uri(portal.Root, "admin/signin").AbsoluteUri);
    await page.GetByLabel("User name").FillAsync("bench");
    await page.GetByLabel("Password").FillAsync("bench-password-12");
    await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });
}

// The operator's import: upload and check (until the Import button offers the rows), then the import job to its end.
static async Task ImportAsync(IPage page, Portal portal, string csv)
{
    await page.GotoAsync(new Uri(portal.Root, "admin/import").AbsoluteUri);
    await page.Locator("[data-interactive='true']").WaitForAsync();
    // Blazor's InputFile listens to the input only once its own set-up has run (as e2e's AdminPages.ChooseFileAsync):
    // a file chosen before that is never uploaded.
    await page.WaitForFunctionAsync("() => document.querySelector('input[type=file]')?._blazorInputFileNextFileId !== undefined");
    var watch = Stopwatch.StartNew();
    await page.Locator("input[type=file]").SetInputFilesAsync(csv);
    var button = page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Import [0-9,]+ rows$") });
    // A smaller file's check can end with its upload: then the page goes straight to the button.
    await page.GetByText("Checking every row of the file").Or(button).First.WaitForAsync(new() { Timeout = 1_800_000 });
    var uploaded = watch.Elapsed;
    await button.WaitForAsync(new() { Timeout = 1_800_000 });
    var preview = watch.Elapsed;
    Console.WriteLine($"upload + preview: {preview.TotalSeconds:F1} s (upload {uploaded.TotalSeconds:F1} s, check {(preview - uploaded).TotalSeconds:F1} s; {await button.TextContentAsync()})");
    watch.Restart();
    await button.ClickAsync();
    // The page answers while the job runs: time a click on the menu meanwhile.
    await page.Locator("[data-testid=import-job][data-state=Running]").WaitForAsync();
    var responsive = Stopwatch.StartNew();
    await page.GetByRole(AriaRole.Link, new() { Name = "Blocklist" }).First.HoverAsync();
    Console.WriteLine($"the page answered a hover during the import in {responsive.Elapsed.TotalMilliseconds:F0} ms");
    await page.Locator("[data-testid=import-job][data-state=Finished]").WaitForAsync(new() { Timeout = 3_600_000 });
    Console.WriteLine($"import job: {watch.Elapsed.TotalSeconds:F1} s — {await page.Locator("[data-testid=import-job]").TextContentAsync()}");
    Console.WriteLine(portal.Output.Split('\n').LastOrDefault(l => l.Contains(" imported ", StringComparison.Ordinal)) ?? "");
}

static string FindRepository()
{
    var folder = new DirectoryInfo(AppContext.BaseDirectory);
    while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "DelistPortal.sln")))
    {
        folder = folder.Parent;
    }
    return folder?.FullName ?? throw new InvalidOperationException("Run from inside the repository.");
}

/// <param name="Only">Times only the views whose name holds this text (--only "show in").</param>
/// <param name="Trace">Records a Chromium trace of each view's timed tries in files starting with this path (--trace /tmp/grid).</param>
internal sealed record Options(string? Csv, string Data, int Tries, string? Only, string? Trace)
{
    public static Options Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        return new Options(Value("--csv"), Value("--data") ?? Path.Combine(Path.GetTempPath(), "delistportal-grid-bench"),
            int.Parse(Value("--tries") ?? "20", CultureInfo.InvariantCulture), Value("--only"), Value("--trace"));
    }
}

/// <summary>What to search for, taken from the operator's file: addresses inside its /25 ranges, and case numbers.</summary>
internal sealed record Targets(List<string> AddressesInRanges, List<string> Texts, List<string> ListedAddresses)
{
    public static Targets From(string? csv)
    {
        var (addresses, texts, singles) = (new List<string>(), new List<string>(), new List<string>());
        if (csv is not null)
        {
            foreach (var line in File.ReadLines(csv).Skip(1).Take(400_000))
            {
                var network = line[..line.IndexOf(',')];
                if (network.EndsWith("/25", StringComparison.Ordinal) && addresses.Count < 2_000 && line.Contains(",true,", StringComparison.Ordinal))
                {
                    var parts = network[..^3].Split('.');
                    addresses.Add($"{parts[0]}.{parts[1]}.{parts[2]}.{int.Parse(parts[3], CultureInfo.InvariantCulture) + 77}");
                }
                // IPv4 single addresses a sender may delist (self_service true), for the sender's delist.
                if (singles.Count < 2_000 && !network.Contains('/') && !network.Contains(':') && line.Contains(",true,", StringComparison.Ordinal))
                {
                    singles.Add(network);
                }
                if (Regex.Match(line, @"\(case (\d+)\)") is { Success: true } match && texts.Count < 10 && line.GetHashCode() % 7 == 0)
                {
                    texts.Add($"case {match.Groups[1].Value})");
                }
            }
        }
        return new Targets(addresses.Count > 0 ? addresses : ["198.51.100.77"], texts.Count > 0 ? texts : ["spam"], singles);
    }
}

/// <summary>The Release portal as its own process on a free port, with the data folder given.</summary>
internal sealed class Portal : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private Process _process = null!;

    public Uri Root { get; private init; } = null!;

    /// <summary>The UDP port of the portal's DNSBL (zone dnsbl.portal.example, the default).</summary>
    public int DnsPort { get; private init; }

    /// <summary>The portal's data folder: its embedded mailbox is the folder "mailbox" in it.</summary>
    public string Data { get; private init; } = null!;

    public string Output => string.Join('\n', _output);

    public static async Task<Portal> StartAsync(string dll, string data)
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var udp = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var portal = new Portal { Root = new Uri($"http://127.0.0.1:{port}/"), DnsPort = ((System.Net.IPEndPoint)udp.Client.LocalEndPoint!).Port, Data = data };
        udp.Close();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
                 {
                     dll, "--urls", portal.Root.AbsoluteUri.TrimEnd('/'), "--Portal:DataDirectory", data, "--Portal:PublicBaseUrl", portal.Root.AbsoluteUri,
                     "--Portal:SeedDemoData", "false", "--Dnsbl:Port", portal.DnsPort.ToString(CultureInfo.InvariantCulture),
                     // Every try of the sender's delist comes from this machine (SenderDelistTiming).
                     "--SubmissionLimits:PerClient:Limit", "100000", "--SubmissionLimits:PerRange:Limit", "100000",
                 })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // A published portal serves its static files from its own folder's wwwroot: the content root is where it starts.
        start.WorkingDirectory = Path.GetDirectoryName(dll)!;
        portal._process = Process.Start(start)!;
        portal._process.OutputDataReceived += (_, line) => portal._output.Enqueue(line.Data ?? "");
        portal._process.ErrorDataReceived += (_, line) => portal._output.Enqueue(line.Data ?? "");
        portal._process.BeginOutputReadLine();
        portal._process.BeginErrorReadLine();
        using var client = new HttpClient { BaseAddress = portal.Root, Timeout = TimeSpan.FromSeconds(5) };
        for (var deadline = DateTime.UtcNow.AddMinutes(5); DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            try
            {
                if ((await client.GetAsync("health/ready")).IsSuccessStatusCode)
                {
                    return portal;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
        }
        throw new InvalidOperationException("The portal did not start:\n" + portal.Output);
    }

    /// <summary>The first-admin link the portal logs while no admin exists.</summary>
    public async Task<string?> SetupLinkAsync()
    {
        await Task.Delay(1000);
        return Regex.Match(Output, @"(http://\S+/admin/setup\?token=\S+)") is { Success: true } match ? match.Groups[1].Value : null;
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
}
// The measured page is shown: the pager counted one more load (a JavaScript condition, in MeasureAsync's script).
partial class Program
{
    const string NewPage = "pager().getAttribute('data-load') !== before";
}
