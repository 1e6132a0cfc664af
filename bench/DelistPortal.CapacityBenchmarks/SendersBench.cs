using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using DelistPortal.Portal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace DelistPortal.CapacityBenchmarks;

/// <summary>
/// K senders doing the whole wizard at once, each over its own circuits, again and again for a fixed time: open the
/// start page, type the email and the address, Submit (the proof of work solved as the page solves it), take the link
/// from the confirmation mail (a real SMTP receiver here), open it, press Delist IP. Each step is timed from the
/// action to the page showing its result, on the client beside the server (loopback), and the server's CPU per
/// delist is read from /proc.
/// </summary>
public static partial class SendersBench
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(Options options)
    {
        Console.WriteLine();
        Console.WriteLine($"== {options.Senders} concurrent senders for {options.Duration.TotalSeconds:0} s, variant '{options.Variant.Name}' ({options.Variant.Describe()}); load average {Program.LoadAverage()}");
        var data = Path.Combine(options.DataRoot, $"senders-{DateTime.UtcNow.Ticks}");
        Directory.CreateDirectory(data);
        var addresses = await SeedAsync(data, options.Listings);
        await using var smtp = await MailReceiver.StartAsync();
        // Every sender's page comes from 127.0.0.1 and their targets share a few /24s: the per-client and per-range
        // limits (10 and 20 an hour) would stop the benchmark after a few requests, so they are raised here — and only
        // here. The per-email and per-target limits stay as shipped: every request has its own address and target.
        string[] arguments =
        [
            "--Mail:Smtp:Host", "127.0.0.1", "--Mail:Smtp:Port", smtp.Port.ToString(CultureInfo.InvariantCulture), "--Mail:Smtp:Security", "None",
            "--SubmissionLimits:PerClient:Limit", "100000", "--SubmissionLimits:PerRange:Limit", "100000",
        ];
        await using var portal = await PortalProcess.StartAsync(data, [.. arguments, .. options.Variant.Arguments], options.Variant.Environment);
        using var http = new HttpClient { BaseAddress = portal.RootUri, Timeout = StepTimeout };

        var steps = new ConcurrentDictionary<string, ConcurrentBag<double>>();
        void Record(string step, TimeSpan time) => steps.GetOrAdd(step, _ => []).Add(time.TotalMilliseconds);
        var failures = new ConcurrentBag<string>();
        var outcomes = new ConcurrentDictionary<string, int>();
        var completed = 0;
        var next = -1;

        // One sender through the wizard first: JIT and first-use caches out of the figures.
        try
        {
            await DelistOnceAsync(http, portal.RootUri, smtp, addresses[Interlocked.Increment(ref next)], "warm-up", (_, _) => { });
        }
        catch
        {
            Console.WriteLine($"   the warm-up sender failed; the portal said:\n{string.Join('\n', portal.Output.TakeLast(30))}");
            throw;
        }

        var metricsBefore = await http.GetStringAsync("/metrics");
        var cpuBefore = portal.CpuTime();
        var clock = Stopwatch.StartNew();
        var deadline = options.Duration;
        await Task.WhenAll(Enumerable.Range(0, options.Senders).Select(sender => Task.Run(async () =>
        {
            var round = 0;
            while (clock.Elapsed < deadline)
            {
                var index = Interlocked.Increment(ref next);
                if (index >= addresses.Count)
                {
                    failures.Add("ran out of seeded listings (raise --listings)");
                    return;
                }
                try
                {
                    var outcome = await DelistOnceAsync(http, portal.RootUri, smtp, addresses[index], $"s{sender}r{round++}", Record);
                    outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
                    Interlocked.Increment(ref completed);
                }
                catch (Exception ex)
                {
                    failures.Add($"{ex.GetType().Name}: {ex.Message}");
                }
            }
        })));
        var elapsed = clock.Elapsed;
        var cpu = portal.CpuTime() - cpuBefore;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"   completed {completed} wizards in {elapsed.TotalSeconds:0} s = {completed / elapsed.TotalMinutes:0} delists per minute " +
            $"({string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}"))}); failed {failures.Count}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"   server CPU {cpu.TotalSeconds:0.0} s = {cpu.TotalMilliseconds / Math.Max(1, completed):0} ms per wizard " +
            $"({cpu.TotalSeconds / elapsed.TotalSeconds * 100:0} % of one core); RSS at the end {portal.ResidentBytes() / 1024 / 1024} MB; load average {Program.LoadAverage()}"));
        foreach (var step in StepNames)
        {
            if (steps.TryGetValue(step, out var times) && !times.IsEmpty)
            {
                var all = times.ToArray();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"   {step,-28} n={all.Length,5}  p50 {Program.Percentile(all, 0.5),7:0.0} ms  p95 {Program.Percentile(all, 0.95),7:0.0} ms  max {all.Max(),7:0.0} ms"));
            }
        }
        var metricsAfter = await http.GetStringAsync("/metrics");
        Console.WriteLine("   the server's own time per step (ASP.NET Core's histograms; p50/p95 interpolated in their buckets, the share within 250 ms exact):");
        foreach (var (step, name, labels) in ServerSteps)
        {
            var histogram = ServerHistogram.Between(metricsBefore, metricsAfter, name, labels);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   {step,-28} n={histogram.Count,5}  p50 {histogram.Percentile(0.5) * 1000,7:0.0} ms  p95 {histogram.Percentile(0.95) * 1000,7:0.0} ms  within 250 ms {histogram.ShareWithin(0.25) * 100:0.0} %"));
        }
        foreach (var reason in failures.GroupBy(f => f).OrderByDescending(g => g.Count()).Take(5))
        {
            Console.WriteLine($"   {reason.Count()}× {reason.Key}");
        }
    }

    private const string EventDuration = "aspnetcore_components_handle_event_duration_seconds";
    private const string RequestDuration = "http_server_request_duration_seconds";

    private static readonly (string Step, string Name, string[] Labels)[] ServerSteps =
    [
        ("start page (GET /)", RequestDuration, ["http_request_method=\"GET\"", "http_route=\"/\""]),
        ("typing (input events)", EventDuration, ["attribute_name=\"oninput\""]),
        ("submit (handler)", EventDuration, ["attribute_name=\"onsubmit\""]),
        ("link page (GET /confirm)", RequestDuration, ["http_request_method=\"GET\"", "http_route=\"/confirm\""]),
        ("delist (click handler)", EventDuration, ["attribute_name=\"onclick\""]),
    ];

    private static readonly string[] StepNames =
        ["open start page (GET)", "start page interactive", "type email and address", "submit", "mail arrives", "open link (GET)", "link page interactive", "delist"];

    /// <summary>One sender's whole wizard; returns how it ended (delisted, or what else the page said).</summary>
    private static async Task<string> DelistOnceAsync(HttpClient http, Uri root, MailReceiver smtp, string address, string name, Action<string, TimeSpan> record)
    {
        var email = $"{name}-{Guid.NewGuid():N}@senders.example";
        var step = Stopwatch.StartNew();
        var mailWaiter = smtp.WaitFor(email);
        string link;
        {
            await using var page = await OpenAsync(http, root, root, "open start page (GET)", "start page interactive", record);
            var tree = page.Tree!;
            var emailInput = tree.Find(n => n.Name == "input" && n["type"] == "email") ?? throw new InvalidOperationException("No email field on the start page.");
            var addressInput = tree.Find(n => n.Name == "input" && n["autocomplete"] == "off" && n["spellcheck"] == "false")
                               ?? throw new InvalidOperationException("No address field on the start page.");
            step.Restart();
            await TypeAsync(page, emailInput, email);
            await TypeAsync(page, addressInput, address);
            record("type email and address", step.Elapsed);

            var form = tree.Find(n => n.Name == "form" && n.Handler("submit") != 0 && n.Descendants().Any(d => d["type"] == "email"))
                       ?? throw new InvalidOperationException("No request form on the start page.");
            step.Restart();
            await page.DispatchAsync(form.Handler("submit"), "submit", new { }, StepTimeout);
            // The Check-your-email step's text (its title is in the stepper's header from the start), or why not.
            await page.WaitForAsync(() => tree.ContainsText(SentText) || tree.Find(IsAlert) is not null || tree.Find(IsFieldError) is not null, StepTimeout);
            record("submit", step.Elapsed);
            if (!tree.ContainsText(SentText))
            {
                throw new InvalidOperationException($"Submit did not send the mail; the page says: {(tree.Find(IsAlert) ?? tree.Find(IsFieldError))?.InnerText}");
            }
            var mail = await mailWaiter.WaitAsync(StepTimeout);
            record("mail arrives", step.Elapsed);
            link = ConfirmationLink().Match(mail) is { Success: true } found
                ? WebUtility.HtmlDecode(found.Value)
                : throw new InvalidOperationException("The mail has no confirmation link.");
        }
        {
            await using var page = await OpenAsync(http, root, new Uri(link), "open link (GET)", "link page interactive", record);
            var tree = page.Tree!;
            // The Delist step loads the request once interactive; wait for its button (or what it says instead).
            await page.WaitForAsync(() => DelistButton(tree) is not null || tree.Find(IsAlert) is not null, StepTimeout);
            var button = DelistButton(tree) ?? throw new InvalidOperationException($"No Delist button; the page says: {tree.Find(IsAlert)?.InnerText}");
            step.Restart();
            await page.DispatchAsync(button.Handler("click"), "click", new { type = "click", detail = 1, button = 0 }, StepTimeout);
            await page.WaitForAsync(() => tree.Find(IsAlert) is not null, StepTimeout);
            record("delist", step.Elapsed);
            var said = tree.Find(IsAlert)!.InnerText;
            return said.Contains("has been removed from the blocklist", StringComparison.Ordinal) ? "delisted"
                : said.Contains("review", StringComparison.OrdinalIgnoreCase) ? "sent to review"
                : $"other: {said[..Math.Min(60, said.Length)]}";
        }
    }

    private static async Task<BlazorCircuit> OpenAsync(HttpClient http, Uri root, Uri page, string getStep, string interactiveStep, Action<string, TimeSpan> record)
    {
        var clock = Stopwatch.StartNew();
        var circuit = await BlazorCircuit.OpenAsync(http, page, keepTree: true, StepTimeout, gotPage: elapsed => record(getStep, elapsed));
        record(interactiveStep, clock.Elapsed);
        return circuit;
    }

    /// <summary>As a browser reports typing into a MudTextField: an input event with the whole value, then change on leaving it.</summary>
    private static async Task TypeAsync(BlazorCircuit page, RenderTree.Node input, string value)
    {
        foreach (var eventName in new[] { "input", "change" })
        {
            if (input.Handler(eventName) is not 0 and var handler)
            {
                await page.DispatchAsync(handler, eventName, new { value }, StepTimeout);
            }
        }
    }

    private const string SentText = "We sent a confirmation link to";

    private static bool IsFieldError(RenderTree.Node node) => node["id"] is "request-email-error" or "request-ip-error" && node.InnerText.Length > 0;

    private static bool IsAlert(RenderTree.Node node) => node.Name == "div" && node["role"] is "status" or "alert" && node.InnerText.Length > 0;

    private static RenderTree.Node? DelistButton(RenderTree tree) =>
        tree.Find(n => n.Name == "button" && n.Handler("click") != 0 && n.InnerText.Contains("Delist IP", StringComparison.Ordinal));

    /// <summary>
    /// Listings for the senders to delist, written through the portal's own batch path (change log included) before it
    /// starts: /32s spread over 45.128.0.0/10, permanent, self-service allowed.
    /// </summary>
    private static async Task<IReadOnlyList<string>> SeedAsync(string dataFolder, int count)
    {
        var file = Path.Combine(dataFolder, "portal.db");
        var database = new FileDatabase(file);
        await using (var db = database.CreateDbContext())
        {
            await db.Database.OpenConnectionAsync();
            await db.Database.ExecuteSqlRawAsync(DelistPortal.Data.DatabaseMigration.SqliteFileSettings);
            await db.Database.MigrateAsync();
        }
        var blocklist = new BlocklistService(database, new ListingPolicy(Microsoft.Extensions.Options.Options.Create(new BlocklistOptions())), TimeProvider.System, NullLogger<BlocklistService>.Instance);
        var addresses = new List<string>(count);
        var drafts = new List<ListingDraft>(1000);
        for (var i = 0; i < count; i++)
        {
            var address = new IPAddress([45, (byte)(128 + i / 65536 % 64), (byte)(i / 256 % 256), (byte)(i % 256)]);
            addresses.Add(address.ToString());
            drafts.Add(new ListingDraft(new IpNetwork(address, 32), ListingReason.Spam, "Capacity benchmark", ListingSource.Import) { Permanent = true });
            if (drafts.Count == 1000 || i == count - 1)
            {
                await blocklist.ListManyAsync(drafts, Actor.System, null);
                drafts.Clear();
            }
        }
        return addresses;
    }

    [GeneratedRegex(@"https?://[^\s""'<>]+/confirm\?request=[^\s""'<>]+")]
    private static partial Regex ConfirmationLink();

    private sealed class FileDatabase(string file) : IDbContextFactory<PortalDbContext>
    {
        private readonly DbContextOptions<PortalDbContext> _options =
            new DbContextOptionsBuilder<PortalDbContext>().UseSqlite($"Data Source={file};Default Timeout=30").Options;

        public PortalDbContext CreateDbContext() => new(_options);
    }

    public sealed record Options(string DataRoot, int Senders, TimeSpan Duration, int Listings, Variant Variant);
}
