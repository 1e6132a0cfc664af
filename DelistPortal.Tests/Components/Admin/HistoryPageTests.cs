using AngleSharp.Dom;
using Bunit;
using DelistPortal.Blocklist;
using DelistPortal.Components.Pages.Admin;
using DelistPortal.Portal;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace DelistPortal.Tests.Components.Admin;

public sealed class HistoryPageTests : AdminComponentTest
{
    [Fact]
    public async Task EventsAreShownNewestFirstWithWhatHappenedAndWho()
    {
        await Harness.ListAsync("198.51.100.0", 24);
        Harness.Clock.Advance(TimeSpan.FromMinutes(1));
        await Harness.ListAsync("203.0.113.7");
        Harness.Clock.Advance(TimeSpan.FromMinutes(1));
        await Harness.Blocklist.DelistNetworkAsync(IpNetwork.Parse("198.51.100.0/24"), Actor.Admin("bob"), "Customer fixed the relay.", null);

        var page = Render<History>();

        await page.WaitForAssertionAsync(() => Assert.Equal(3, Rows(page).Count));
        Assert.Equal(["198.51.100.0/24 Delisted", "203.0.113.7 Listed", "198.51.100.0/24 Listed"], Rows(page).Select(r => $"{Cell(r, 1)} {Cell(r, 2)}"));
        Assert.Contains("bob", Cell(Rows(page)[0], 3));
        Assert.Contains("Customer fixed the relay.", Cell(Rows(page)[0], 5));
        Assert.Contains("test-admin", Cell(Rows(page)[1], 3));
    }

    [Fact]
    public async Task TheDashboardsLinkShowsOnlyTheEventsOfItsKind()
    {
        await Harness.ListAsync("198.51.100.0", 24);
        await Harness.ListAsync("203.0.113.7");
        await Harness.Blocklist.DelistNetworkAsync(IpNetwork.Parse("203.0.113.7/32"), Actor.Admin("bob"), "Fixed.", null);
        Services.GetRequiredService<NavigationManager>().NavigateTo("/admin/history?kind=Delisted");

        var page = Render<History>();

        await page.WaitForAssertionAsync(() =>
        {
            var row = Assert.Single(Rows(page));
            Assert.Equal("203.0.113.7 Delisted", $"{Cell(row, 1)} {Cell(row, 2)}");
        });
    }

    [Fact]
    public async Task TypingAnAddressShowsOnlyTheEventsOfTheNetworksThatHoldIt()
    {
        await Harness.ListAsync("198.51.100.0", 24);
        await Harness.ListAsync("203.0.113.7");
        var page = Render<History>();
        await page.WaitForAssertionAsync(() => Assert.Equal(2, Rows(page).Count));

        await TypeAsync(page, "IP address or range", "198.51.100.20");

        await page.WaitForAssertionAsync(() => Assert.Equal("198.51.100.0/24", Cell(Assert.Single(Rows(page)), 1)));
    }

    [Fact]
    public async Task TypingAnActorsNameShowsOnlyWhatTheyDid()
    {
        await Harness.ListAsync("198.51.100.0", 24);
        await Harness.Blocklist.DelistNetworkAsync(IpNetwork.Parse("198.51.100.0/24"), Actor.Admin("bob"), "Fixed.", null);
        var page = Render<History>();
        await page.WaitForAssertionAsync(() => Assert.Equal(2, Rows(page).Count));

        await TypeAsync(page, "Actor name contains", "bob");

        await page.WaitForAssertionAsync(() => Assert.Equal("Delisted", Cell(Assert.Single(Rows(page)), 2)));
    }

    [Fact]
    public async Task SomethingThatIsNotAnAddressIsSaidSo()
    {
        await Harness.ListAsync("203.0.113.7");
        var page = Render<History>();
        await page.WaitForAssertionAsync(() => Assert.Single(Rows(page)));

        await TypeAsync(page, "IP address or range", "203.0.113");

        await page.WaitForAssertionAsync(() => Assert.Contains(
            "This is not an IP address or range.", page.Find("[role=alert]").TextContent));
    }

    [Fact]
    public async Task ThePagerMovesToTheNextAndTheLastPage()
    {
        var networks = await ListManyAsync(120);
        var page = Render<History>();
        await page.WaitForAssertionAsync(() => Assert.Equal("1–50 of 120", PagerText(page)), TimeSpan.FromSeconds(10));
        Assert.Equal(networks[^1], Cell(Rows(page)[0], 1));

        await PagerButton(page, "Next page").ClickAsync(new MouseEventArgs());

        await page.WaitForAssertionAsync(() => Assert.Equal("51–100 of 120", PagerText(page)), TimeSpan.FromSeconds(10));
        Assert.Equal(networks[69], Cell(Rows(page)[0], 1));

        await PagerButton(page, "Last page").ClickAsync(new MouseEventArgs());

        await page.WaitForAssertionAsync(() => Assert.Equal("101–120 of 120", PagerText(page)), TimeSpan.FromSeconds(10));
        Assert.Equal(20, Rows(page).Count);
        Assert.Equal(networks[19], Cell(Rows(page)[0], 1));
        Assert.Equal(networks[0], Cell(Rows(page)[^1], 1));
        Assert.True(PagerButton(page, "Next page").HasAttribute("disabled"));
    }

    /// <summary>Lists single addresses one minute apart; returns them in listing order (oldest first).</summary>
    private async Task<List<string>> ListManyAsync(int count)
    {
        var networks = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var network = $"11.0.{i >> 8}.{i & 0xff}";
            await Harness.Blocklist.ListAsync(
                new ListingDraft(IpNetwork.Parse(network), ListingReason.Spam, "Bulk", ListingSource.Admin) { Permanent = true }, Actor.Admin("alice"), null);
            Harness.Clock.Advance(TimeSpan.FromMinutes(1));
            networks.Add(network);
        }
        return networks;
    }

    private Task TypeAsync(IRenderedComponent<History> page, string label, string value) => TypeAsync(page, Harness, label, value);

    internal static async Task TypeAsync(IRenderedComponent<History> page, Support.DelistingHarness harness, string label, string value)
    {
        var id = page.FindAll("label").First(l => l.TextContent.Trim() == label).GetAttribute("for");
        await page.Find($"#{id}").InputAsync(new ChangeEventArgs { Value = value });
        // The filters wait for typing to pause; MudBlazor's debounce runs on the (fake) TimeProvider.
        harness.Clock.Advance(TimeSpan.FromSeconds(1));
    }

    internal static string PagerText(IRenderedComponent<History> page) => page.Find("[data-testid=pager-range]").TextContent.Trim();

    private static IElement PagerButton(IRenderedComponent<History> page, string label) => page.Find($"nav.grid-pager button[aria-label='{label}']");

    internal static string Cell(IElement row, int column) => row.QuerySelectorAll("td")[column].TextContent.Trim();

    internal static IReadOnlyList<IElement> Rows(IRenderedComponent<History> page) =>
        page.FindAll("tbody tr.mud-table-row").Where(r => r.QuerySelectorAll("td").Length >= 6).ToList();
}

/// <summary>Two loads of the history at once, the earlier one answering last.</summary>
public sealed class HistoryPageLateLoadTests : AdminComponentTest
{
    private readonly Support.HeldReads _reads;

    public HistoryPageLateLoadTests() : this(new Support.HeldReads())
    {
    }

    private HistoryPageLateLoadTests(Support.HeldReads reads) : base(interceptors: reads) => _reads = reads;

    [Fact]
    public async Task ALoadThatAnswersAfterALaterOneDoesNotReplaceItsRows()
    {
        await Harness.ListAsync("198.51.100.0", 24);
        await Harness.ListAsync("203.0.113.7");
        var page = Render<History>();
        await page.WaitForAssertionAsync(() => Assert.Equal(2, HistoryPageTests.Rows(page).Count));

        var grid = page.FindComponent<MudBlazor.MudDataGrid<ListingEvent>>().Instance;
        var reloading = await _reads.StartHeldAsync(() => page.InvokeAsync(grid.ReloadServerData));
        await HistoryPageTests.TypeAsync(page, Harness, "IP address or range", "198.51.100.20");
        await page.WaitForAssertionAsync(() => Assert.Equal("198.51.100.0/24", HistoryPageTests.Cell(Assert.Single(HistoryPageTests.Rows(page)), 1)));

        await _reads.ReleaseAsync(reloading);

        page.Render();
        Assert.Equal("198.51.100.0/24", HistoryPageTests.Cell(Assert.Single(HistoryPageTests.Rows(page)), 1));
        Assert.Equal("1–1 of 1", HistoryPageTests.PagerText(page));
    }
}
