using DelistPortal.Delisting;
using System.Globalization;
using Bunit;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Components.Pages.Admin;
using DelistPortal.Data;
using DelistPortal.Portal;

namespace DelistPortal.Tests.Components.Admin;

public sealed class DashboardTests : AdminComponentTest
{
    [Theory]
    [InlineData("en")]
    [InlineData("fr")]
    public async Task AMillionActiveListingsAreWrittenInThePagesLanguage(string language)
    {
        var culture = CultureInfo.GetCultureInfo(language);
        (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, culture);
        await using (var db = Harness.Database.CreateDbContext())
        {
            // As the triggers would keep it after an operator's import.
            db.ListingTallies.Add(new ListingTally { Status = ListingStatus.Active, Reason = ListingReason.Malware, Count = 1_000_000 });
            await db.SaveChangesAsync();
        }

        var page = Render<Dashboard>();

        await page.WaitForAssertionAsync(() => Assert.NotEmpty(page.FindAll("[data-figure]")));
        Assert.Equal(1_000_000.ToString("N0", culture), page.FindAll("[data-figure]")[0].TextContent.Trim());
        Assert.Equal(language == "fr" ? "1\u202f000\u202f000" : "1,000,000", page.FindAll("[data-figure]")[0].TextContent.Trim());
    }

    [Fact]
    public async Task TheFiguresCountListingsDelistsAndRequestsWaitingForReview()
    {
        await Harness.ListAsync("198.51.100.0", 24);
        await Harness.ListAsync("203.0.113.7");
        await Harness.ListAsync("203.0.113.8");
        await Harness.Blocklist.DelistNetworkAsync(IpNetwork.Parse("203.0.113.8/32"), Actor.Admin("bob"), "Fixed.", null);
        await using (var db = Harness.Database.CreateDbContext())
        {
            var now = Harness.Clock.GetUtcNow();
            var request = new DelistPortal.Delisting.DelistRequest
            {
                Id = Guid.NewGuid(), Reference = DelistPortal.Delisting.RequestReference.New(), Email = "sender@example.org",
                IpAddress = System.Net.IPAddress.Parse("203.0.113.7"), CreatedAt = now, TokenHash = [], TokenExpiresAt = now.AddMinutes(30),
            };
            request.MarkInReview(now, "198.51.100.77", "Self-service refused");
            db.DelistRequests.Add(request);
            await db.SaveChangesAsync();
        }

        var page = Render<Dashboard>();

        await page.WaitForAssertionAsync(() => Assert.NotEmpty(page.FindAll("[data-figure]")));
        Assert.Equal("2", Figure(page, "Active listings"));
        Assert.Equal("1", Figure(page, "Delists, last 24 hours"));
        Assert.Equal("1", Figure(page, "Delists, last 7 days"));
        Assert.Equal("1", Figure(page, "Requests waiting for review"));
        Assert.Equal("0", Figure(page, "Outcome mails not sent"));
    }

    [Fact]
    public async Task TheChartsTableGivesEveryDaysListingsAndDelists()
    {
        await Harness.ListAsync("198.51.100.0", 24);
        Harness.Clock.Advance(TimeSpan.FromDays(1));
        await Harness.ListAsync("203.0.113.7");
        await Harness.ListAsync("203.0.113.8");
        await Harness.Blocklist.DelistNetworkAsync(IpNetwork.Parse("203.0.113.8/32"), Actor.Admin("bob"), "Fixed.", null);

        var page = Render<Dashboard>();

        await page.WaitForAssertionAsync(() => Assert.NotEmpty(page.FindAll("details table tbody tr")));
        var days = page.FindAll("details table tbody tr").Select(r => string.Join(" ", r.QuerySelectorAll("td").Select(c => c.TextContent.Trim()))).ToList();
        Assert.Equal(DashboardService.ChartDays, days.Count);
        Assert.Equal("11-28 2 1", days[^1]);
        Assert.Equal(" 1 0", days[^2]);
        Assert.All(days.SkipLast(2), d => Assert.EndsWith(" 0 0", d));
    }

    [Fact]
    public async Task WithNothingListedTheChartSaysSo()
    {
        var page = Render<Dashboard>();

        await page.WaitForAssertionAsync(() => Assert.Contains("Nothing was listed or delisted in this period.", page.Markup));
        Assert.Empty(page.FindAll("details table"));
        Assert.Equal("0", Figure(page, "Active listings"));
    }

    private static string Figure(IRenderedComponent<Dashboard> page, string label) => page.Find($"[data-figure='{label}']").TextContent.Trim();

    [Theory]
    [InlineData(0, 1)]
    [InlineData(7, 2)]
    [InlineData(40, 10)]
    [InlineData(163_840, 50_000)]
    [InlineData(1_000_000, 200_000)]
    public void TheChartsValueAxisStepsInRoundNumbers(int max, int step) => Assert.Equal(step, DashboardService.AxisStep(max));
}
