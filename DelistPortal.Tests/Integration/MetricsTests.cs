using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using ARSoft.Tools.Net.Dns;
using DelistPortal.Delisting;
using DelistPortal.Dnsbl;
using DelistPortal.Tests.Support;
using MimeKit;

namespace DelistPortal.Tests.Integration;

/// <summary>
/// The metrics tests run alone: OpenTelemetry's meter provider listens to every meter of the portal's name in the
/// process, so another test's portal delisting at the same moment would move this portal's counters too.
/// </summary>
[CollectionDefinition(nameof(MetricsTests), DisableParallelization = true)]
public sealed class MetricsTestsRunAlone;

/// <summary>/metrics in Prometheus format: off by default, loopback only, and every instrument moves with a real flow.</summary>
[Collection(nameof(MetricsTests))]
public sealed partial class MetricsTests
{
    private static PortalFactory Portal(params (string Key, string Value)[] settings) =>
        new(settings: settings.ToDictionary(s => s.Key, s => (string?)s.Value));

    [Theory]
    [InlineData(false, "127.0.0.0/8", HttpStatusCode.NotFound)]
    [InlineData(true, "10.0.0.0/8", HttpStatusCode.NotFound)]
    [InlineData(true, "127.0.0.0/8", HttpStatusCode.OK)]
    public async Task MetricsAreServedOnlyWhenEnabledAndOnlyToTheAllowedNetworks(bool enabled, string allowed, HttpStatusCode expected)
    {
        await using var portal = Portal(("Metrics:Enabled", enabled ? "true" : "false"), ("Metrics:AllowedNetworks", allowed + ", ::1/128"));
        using var http = new HttpClient { BaseAddress = portal.StartOnRealPort() };

        var response = await http.GetAsync("metrics");

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task ASendersFlowAndADnsblQueryMoveEveryInstrument()
    {
        await using var portal = Portal(("Metrics:Enabled", "true"), ("ProofOfWork:Enabled", "false"));
        using var http = new HttpClient { BaseAddress = portal.StartOnRealPort() };
        var dns = new DnsblClient(portal.Services.GetRequiredService<DnsblServer>().EndPoint!, tcp: false);

        Assert.Equal(ReturnCode.NoError, (await dns.AskAsync(DnsblClient.NameOf("203.0.113.7", "dnsbl.portal.example"))).ReturnCode);
        using (var scope = portal.Services.CreateScope())
        {
            var delisting = scope.ServiceProvider.GetRequiredService<DelistService>();
            Assert.Equal(SubmitOutcome.NotListed, (await delisting.SubmitAsync("postmaster@sender.example", "192.0.2.99", "198.51.100.200", null)).Outcome);
            Assert.Equal(SubmitOutcome.ConfirmationSent, (await delisting.SubmitAsync("postmaster@sender.example", "203.0.113.7", "198.51.100.200", null)).Outcome);
            var link = MailLinks.ConfirmationLink(await WaitForMailAsync(Path.Combine(portal.DataFolder, "mailbox")));
            var query = System.Web.HttpUtility.ParseQueryString(link.Query);
            Assert.Equal(ConfirmationStatus.Delisted, (await delisting.DelistAsync(query["request"], query["token"], "198.51.100.200")).Status);
        }
        Assert.Equal(ReturnCode.NxDomain, (await dns.AskAsync(DnsblClient.NameOf("203.0.113.7", "dnsbl.portal.example"))).ReturnCode);

        var metrics = await http.GetStringAsync("metrics");

        Assert.True(Value(metrics, "delistportal_dnsbl_queries_total", "answer=\"listed\",transport=\"udp\"") >= 1, metrics);
        Assert.True(Value(metrics, "delistportal_dnsbl_queries_total", "answer=\"not_listed\",transport=\"udp\"") >= 1);
        foreach (var outcome in new[] { "not_listed", "submitted", "confirmed", "delisted" })
        {
            Assert.Equal(1, Value(metrics, "delistportal_delist_requests_total", $"outcome=\"{outcome}\""));
        }
        Assert.Equal(1, Value(metrics, "delistportal_outbox_attempts_total", "result=\"sent\""));
        Assert.Equal(0, Value(metrics, "delistportal_outbox_backlog"));
        Assert.Equal(5, Value(metrics, "delistportal_index_listings"));
        Assert.Equal(0, Value(metrics, "delistportal_changelog_lag"));
        Assert.True(Value(metrics, "delistportal_circuits_open") >= 0);
        Assert.DoesNotContain("203.0.113.7", metrics);
        Assert.DoesNotContain("postmaster", metrics);

        // Every portal series the Grafana dashboard graphs is one this scrape has.
        var dashboard = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "docs", "grafana-dashboard.json"));
        var graphed = PortalSeries().Matches(dashboard).Select(m => m.Value).Distinct().ToList();
        Assert.NotEmpty(graphed);
        Assert.All(graphed.Where(name => name != "delistportal_import_rows_total" && name != "delistportal_outbox_give_ups_total"),
            name => Assert.Contains(name, metrics));
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "DelistPortal.sln")))
        {
            folder = folder.Parent;
        }
        return folder?.FullName ?? throw new DirectoryNotFoundException("DelistPortal.sln not found above the test binaries.");
    }

    [GeneratedRegex(@"delistportal_[a-z_]+")]
    private static partial Regex PortalSeries();

    private static async Task<MimeMessage> WaitForMailAsync(string folder)
    {
        for (var i = 0; i < 200; i++)
        {
            if (Directory.Exists(folder) && Directory.GetFiles(folder, "*.eml") is [var file, ..])
            {
                return await MimeMessage.LoadAsync(file);
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("No mail reached the mailbox folder.");
    }

    /// <summary>The value of one series (its name and, if given, exactly these labels) in the Prometheus text format.</summary>
    private static double Value(string metrics, string name, string? labels = null)
    {
        foreach (Match match in Series().Matches(metrics))
        {
            var seriesLabels = match.Groups["labels"].Value;
            if (match.Groups["name"].Value == name && (labels is null || seriesLabels.Contains(labels, StringComparison.Ordinal)))
            {
                return double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }
        throw new Xunit.Sdk.XunitException($"No series {name}{{{labels}}} in:\n{metrics}");
    }

    [GeneratedRegex(@"^(?<name>[a-z_]+)(\{(?<labels>[^}]*)\})? (?<value>[-0-9.eE+]+)", RegexOptions.Multiline)]
    private static partial Regex Series();
}
