using AngleSharp.Dom;
using Bunit;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Components.Pages.Admin;
using DelistPortal.Tests.Support;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace DelistPortal.Tests.Components.Admin;

public sealed class ListingsGridTests : AdminComponentTest
{
    [Fact]
    public async Task TheGridShowsActiveListingsWithTheirReasons()
    {
        await Harness.ListAsync("198.51.100.0", 24, DelistPortal.Blocklist.ListingReason.Malware);
        await Harness.ListAsync("203.0.113.7");

        var page = Render<Listings>();

        await page.WaitForAssertionAsync(() => Assert.Equal(2, Rows(page).Count));
        Assert.Contains("198.51.100.0/24", page.Markup);
        Assert.Contains("Malware or botnet", page.Markup);
        Assert.Contains("Test listing: bulk mail to spam traps.", page.Markup);
    }

    [Fact]
    public async Task TypingAnAddressShowsOnlyTheRangesThatContainIt()
    {
        await Harness.ListAsync("198.51.100.0", 24);
        await Harness.ListAsync("203.0.113.7");
        var page = Render<Listings>();
        await page.WaitForAssertionAsync(() => Assert.Equal(2, Rows(page).Count));

        await page.Find("input[type=text]").InputAsync(new ChangeEventArgs { Value = "198.51.100.200" });
        // The search waits for typing to pause; MudBlazor's debounce runs on the (fake) TimeProvider.
        Harness.Clock.Advance(TimeSpan.FromSeconds(1));

        await page.WaitForAssertionAsync(() =>
        {
            var row = Assert.Single(Rows(page));
            Assert.Contains("198.51.100.0/24", row.TextContent);
        }, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ChoosingAReasonShowsOnlyItsListingsAndAllShowsEveryListingAgain()
    {
        await Harness.ListAsync("198.51.100.0", 24, DelistPortal.Blocklist.ListingReason.Malware);
        await Harness.ListAsync("203.0.113.7");
        var page = Render<Listings>();
        await page.WaitForAssertionAsync(() => Assert.Equal(2, Rows(page).Count));

        await ChooseAsync(page, "Reason: All", "Malware or botnet");

        await page.WaitForAssertionAsync(() => Assert.Equal("198.51.100.0/24", NetworkOf(Assert.Single(Rows(page)))));
        await OpenMenuAsync(page, "Reason: Malware or botnet");
        Assert.Equal("Malware or botnet", Popovers.Find("[role=menuitemradio][aria-checked=true]").TextContent.Trim());

        await Popovers.FindAll("[role=menuitemradio]").Single(item => item.TextContent.Trim() == "All").ClickAsync(new MouseEventArgs());

        await page.WaitForAssertionAsync(() => Assert.Equal(2, Rows(page).Count));
        Assert.Single(page.FindAll("button"), b => b.TextContent.Trim() == "Reason: All");
    }

    [Fact]
    public async Task OpeningARowShowsTheHistoryOfItsNetwork()
    {
        await Harness.ListAsync("203.0.113.7");
        var page = Render<Listings>();
        await page.WaitForAssertionAsync(() => Assert.Single(Rows(page)));

        await page.Find("td button[aria-label='Show the details of 203.0.113.7']").ClickAsync(new MouseEventArgs());

        await page.WaitForAssertionAsync(() => Assert.Contains("test-admin", page.Markup));
        Assert.Contains("Listed", page.Find("[aria-label='History of 203.0.113.7']").TextContent);
    }

    [Fact]
    public async Task OpeningARangesRowShowsTheAddressesFreedFromIt()
    {
        await Harness.ListAsync("198.51.100.0", 24);
        await RangeExceptionListTests.FreeAsync(Harness, "198.51.100.1");
        var page = Render<Listings>();
        await page.WaitForAssertionAsync(() => Assert.Single(Rows(page)));

        await page.Find("td button[aria-label='Show the details of 198.51.100.0/24']").ClickAsync(new MouseEventArgs());

        await page.WaitForAssertionAsync(() => Assert.NotEmpty(page.FindAll("tr[data-exception='198.51.100.1']")));
        Assert.Contains("postmaster@sender.example", page.Find("[data-testid=range-exceptions]").TextContent);
        Assert.Contains("Address freed", page.Find("[aria-label='History of 198.51.100.0/24']").TextContent);
    }

    [Fact]
    public async Task OpeningARowShowsTheFieldsTheNarrowGridLeavesOut()
    {
        await Harness.ListAsync("203.0.113.7");
        var page = Render<Listings>();
        await page.WaitForAssertionAsync(() => Assert.Single(Rows(page)));

        await page.Find("td button[aria-label='Show the details of 203.0.113.7']").ClickAsync(new MouseEventArgs());

        await page.WaitForAssertionAsync(() => Assert.NotEmpty(page.FindAll("[data-testid=listing-details]")));
        var facts = page.Find("[data-testid=listing-details]").TextContent;
        Assert.Contains("Source", facts);
        Assert.Contains("Admin", facts);
        Assert.Contains("Times listed", facts);
        Assert.Contains("Test listing: bulk mail to spam traps.", facts);
        Assert.Contains(DelistPortal.Portal.Times.Utc(Support.DelistingHarness.Start), facts);
    }

    [Fact]
    public async Task BulkDelistRemovesTheSelectedRowsWithTheReasonInTheirHistory()
    {
        await Harness.ListAsync("198.51.100.0", 24);
        await Harness.ListAsync("203.0.113.7");
        await Harness.ListAsync("203.0.113.8");
        var page = Render<Listings>();
        await page.WaitForAssertionAsync(() => Assert.Equal(3, Rows(page).Count));

        foreach (var row in Rows(page).Where(r => r.TextContent.Contains("203.0.113.")).ToList())
        {
            await row.QuerySelector("input[type=checkbox]")!.ChangeAsync(new ChangeEventArgs { Value = true });
        }
        await page.WaitForAssertionAsync(() => Assert.Contains(page.FindAll("button"), b => b.TextContent.Trim() == "Delist selected (2)"));
        // The page's handler waits for the dialog to close: do not wait for it before answering the dialog.
        var opening = page.FindAll("button").Single(b => b.TextContent.Trim() == "Delist selected (2)").ClickAsync(new MouseEventArgs());
        await Dialogs.WaitForAssertionAsync(() => Assert.Contains("Remove from the blocklist: ", Dialogs.Markup));
        await ListingsGridForViewersTests.Fill(Dialogs, "Reason (kept in the history)", "Customer fixed the open relay.");
        await Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Delist").ClickAsync(new MouseEventArgs());

        await opening;
        await page.WaitForAssertionAsync(() => Assert.Single(Rows(page)));
        Assert.False(await Harness.IsListedAsync("203.0.113.7"));
        Assert.False(await Harness.IsListedAsync("203.0.113.8"));
        Assert.True(await Harness.IsListedAsync("198.51.100.1"));
        await using var db = Harness.Database.CreateDbContext();
        Assert.Equal(2, db.ListingEvents.Count(e => e.Kind == DelistPortal.Blocklist.ListingEventKind.Delisted && e.ActorName == "alice" && e.Reason == "Customer fixed the open relay."));
    }

    [Theory]
    [InlineData("en")]
    [InlineData("fr")]
    public async Task ThePagerReachesTheLastOfFiveThousandListingsAndWritesNumbersInThePagesLanguage(string language)
    {
        var culture = System.Globalization.CultureInfo.GetCultureInfo(language);
        (System.Globalization.CultureInfo.CurrentCulture, System.Globalization.CultureInfo.CurrentUICulture) = (culture, culture);
        string N(int value) => value.ToString("N0", culture);
        var of = language == "fr" ? "sur" : "of";
        var networks = await ListManyAsync(5_000);
        var page = Render<Listings>();
        await page.WaitForAssertionAsync(() => Assert.Equal($"1–25 {of} {N(5_000)}", PagerText(page)), TimeSpan.FromSeconds(10));

        await PagerButton(page, language == "fr" ? "Dernière page" : "Last page").ClickAsync(new MouseEventArgs());

        await page.WaitForAssertionAsync(() => Assert.Equal($"{N(4_976)}–{N(5_000)} {of} {N(5_000)}", PagerText(page)), TimeSpan.FromSeconds(10));
        // Newest first, all listed at the same instant: the last row is the first one listed.
        Assert.Contains(networks[0], Rows(page)[^1].TextContent);
        Assert.Equal(25, Rows(page).Count);
        Assert.True(PagerButton(page, language == "fr" ? "Page suivante" : "Next page").HasAttribute("disabled"));

        await PagerButton(page, language == "fr" ? "Page précédente" : "Previous page").ClickAsync(new MouseEventArgs());

        await page.WaitForAssertionAsync(() => Assert.Equal($"{N(4_951)}–{N(4_975)} {of} {N(5_000)}", PagerText(page)), TimeSpan.FromSeconds(10));
        Assert.Contains(networks[25], Rows(page)[^1].TextContent);
    }

    [Fact]
    public async Task EveryPageFollowsTheOneBeforeToTheLastRow()
    {
        var networks = await ListManyAsync(130);
        var page = Render<Listings>();
        await page.WaitForAssertionAsync(() => Assert.Equal("1–25 of 130", PagerText(page)), TimeSpan.FromSeconds(10));
        var seen = Rows(page).Select(NetworkOf).ToList();

        for (var next = 2; next <= 6; next++)
        {
            await PagerButton(page, "Next page").ClickAsync(new MouseEventArgs());
            var first = (next - 1) * 25 + 1;
            await page.WaitForAssertionAsync(() => Assert.StartsWith($"{first}–", PagerText(page)), TimeSpan.FromSeconds(10));
            seen.AddRange(Rows(page).Select(NetworkOf));
        }

        Assert.Equal("126–130 of 130", PagerText(page));
        Assert.Equal(Enumerable.Reverse(networks).ToList(), seen);
    }

    [Fact]
    public async Task ShowInTheListJumpsToTheRangeThatHoldsTheAddressAndPagesOnBothWaysFromThere()
    {
        // 11.0.0.0 to 11.0.0.129 as single addresses, and a /25 that holds 11.0.0.200: in network order, 130 addresses
        // come before it.
        await ListManyAsync(130);
        await Harness.ListAsync("11.0.0.128", 25);
        var page = Render<Listings>();
        await page.WaitForAssertionAsync(() => Assert.Equal("1–25 of 131", PagerText(page)), TimeSpan.FromSeconds(10));

        await page.Find("input[type=text]").InputAsync(new ChangeEventArgs { Value = "11.0.0.200" });
        Harness.Clock.Advance(TimeSpan.FromSeconds(1));
        await page.WaitForAssertionAsync(() => Assert.False(page.Find("[data-testid=jump-to-network]").HasAttribute("disabled")), TimeSpan.FromSeconds(5));
        await page.Find("[data-testid=jump-to-network]").ClickAsync(new MouseEventArgs());

        await page.WaitForAssertionAsync(() => Assert.Equal("129–131 of 131", PagerText(page)), TimeSpan.FromSeconds(10));
        Assert.Equal(["11.0.0.128", "11.0.0.128/25", "11.0.0.129"], Rows(page).Select(NetworkOf));
        Assert.Equal("", page.Find("input[type=text]").GetAttribute("value") ?? "");

        await PagerButton(page, "Previous page").ClickAsync(new MouseEventArgs());

        await page.WaitForAssertionAsync(() => Assert.Equal("104–128 of 131", PagerText(page)), TimeSpan.FromSeconds(10));
        Assert.Equal("11.0.0.103", NetworkOf(Rows(page)[0]));
        Assert.Equal("11.0.0.127", NetworkOf(Rows(page)[^1]));
    }

    /// <summary>Lists <paramref name="count"/> single addresses in one go (as an import does); returns them in listing order.</summary>
    private async Task<List<string>> ListManyAsync(int count)
    {
        var networks = Enumerable.Range(0, count)
            .Select(i => new DelistPortal.Blocklist.IpNetwork(new System.Net.IPAddress([11, (byte)(i >> 16), (byte)(i >> 8), (byte)i]), 32)).ToList();
        for (var offset = 0; offset < count; offset += 1_000)
        {
            await Harness.Blocklist.ListManyAsync(networks.Skip(offset).Take(1_000)
                .Select(n => new DelistPortal.Blocklist.ListingDraft(n, DelistPortal.Blocklist.ListingReason.Spam, "Bulk", DelistPortal.Blocklist.ListingSource.Import) { Permanent = true })
                .ToList(), DelistPortal.Portal.Actor.Admin("alice"), null);
        }
        return networks.Select(n => n.ToString()).ToList();
    }

    /// <summary>Opens a filter's menu by the text of its button ("Reason: All").</summary>
    private static async Task OpenMenuAsync(IRenderedComponent<Listings> page, string button) =>
        await page.FindAll("button").Single(b => b.TextContent.Trim() == button).ClickAsync(new MouseEventArgs());

    private async Task ChooseAsync(IRenderedComponent<Listings> page, string button, string option)
    {
        await OpenMenuAsync(page, button);
        await Popovers.WaitForAssertionAsync(() => Assert.NotEmpty(Popovers.FindAll("[role=menuitemradio]")));
        await Popovers.FindAll("[role=menuitemradio]").Single(item => item.TextContent.Trim() == option).ClickAsync(new MouseEventArgs());
    }

    internal static string PagerText(IRenderedComponent<Listings> page) => page.Find("[data-testid=pager-range]").TextContent.Trim();

    private static IElement PagerButton(IRenderedComponent<Listings> page, string label) => page.Find($"nav.grid-pager button[aria-label='{label}']");

    internal static string NetworkOf(IElement row) => row.QuerySelector("td.listing-network")!.TextContent.Trim();

    internal static IReadOnlyList<IElement> Rows(IRenderedComponent<Listings> page) =>
        page.FindAll("tbody tr.mud-table-row").Where(r => r.TextContent.Contains('.') || r.TextContent.Contains(':')).ToList();
}

/// <summary>Two loads of the grid at once, the earlier one answering last (a slow database, a reload after Add while the admin types).</summary>
public sealed class ListingsGridLateLoadTests : AdminComponentTest
{
    private readonly HeldReads _reads;

    public ListingsGridLateLoadTests() : this(new HeldReads())
    {
    }

    private ListingsGridLateLoadTests(HeldReads reads) : base(interceptors: reads) => _reads = reads;

    [Fact]
    public async Task ALoadThatAnswersAfterALaterOneDoesNotReplaceItsRows()
    {
        await Harness.ListAsync("198.51.100.0", 24);
        await Harness.ListAsync("203.0.113.7");
        var page = Render<Listings>();
        await page.WaitForAssertionAsync(() => Assert.Equal(2, ListingsGridTests.Rows(page).Count));

        // A reload of the whole list, as after Add, whose rows are held after they are read...
        var grid = page.FindComponent<MudBlazor.MudDataGrid<Listing>>().Instance;
        var reloading = await _reads.StartHeldAsync(() => page.InvokeAsync(grid.ReloadServerData));
        // ...while the admin searches, answered first.
        await page.Find("input[type=text]").InputAsync(new ChangeEventArgs { Value = "198.51.100.200" });
        Harness.Clock.Advance(TimeSpan.FromSeconds(1));
        await page.WaitForAssertionAsync(() => Assert.Equal("198.51.100.0/24", ListingsGridTests.NetworkOf(Assert.Single(ListingsGridTests.Rows(page)))),
            TimeSpan.FromSeconds(5));

        await _reads.ReleaseAsync(reloading);

        page.Render();
        Assert.Equal("198.51.100.0/24", ListingsGridTests.NetworkOf(Assert.Single(ListingsGridTests.Rows(page))));
        Assert.Equal("1–1 of 1", ListingsGridTests.PagerText(page));
    }
}

public sealed class ListingsGridForViewersTests() : AdminComponentTest(AdminRoles.Viewer, "victor")
{
    [Fact]
    public async Task AViewerSeesNoAddDelistOrEditAction()
    {
        await Harness.ListAsync("203.0.113.7");

        var page = Render<Listings>();

        await page.WaitForAssertionAsync(() => Assert.Contains("203.0.113.7", page.Markup));
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Trim() is "Add" || b.TextContent.StartsWith("Delist selected", StringComparison.Ordinal));
        Assert.Empty(page.FindAll("button[aria-label='Delist 203.0.113.7'], button[aria-label='Edit 203.0.113.7']"));
    }

    [Fact]
    public async Task AViewerWhoOpensTheAddDialogAnywayIsRefusedAndNothingIsListed()
    {
        var dialog = await ShowDialogAsync(new DialogParametersFor.Add(Caller).Parameters);
        var form = Dialogs;
        await form.WaitForAssertionAsync(() => Assert.Contains("IP address or range", form.Markup));

        await Fill(form, "IP address or range", "203.0.113.9");
        await Fill(form, "Detail", "A viewer tries to list this.");
        await form.FindAll("button").Single(b => b.TextContent.Trim() == "Add listing").ClickAsync(new MouseEventArgs());

        await form.WaitForAssertionAsync(() => Assert.Contains("Your account may not do this", form.Markup));
        Assert.False(await Harness.IsListedAsync("203.0.113.9"));
        _ = dialog;
    }

    [Fact]
    public async Task AFailedSavesMessageGoesOnceTheFieldChanges()
    {
        await ShowDialogAsync(new DialogParametersFor.Add(Caller).Parameters);
        var form = Dialogs;
        await form.WaitForAssertionAsync(() => Assert.Contains("IP address or range", form.Markup));
        await Fill(form, "IP address or range", "198.51.100.7/24");
        await Fill(form, "Detail", "Snowshoe spam.");
        await form.FindAll("button").Single(b => b.TextContent.Trim() == "Add listing").ClickAsync(new MouseEventArgs());
        await form.WaitForAssertionAsync(() => Assert.Contains("Did you mean 198.51.100.0/24?", form.Markup));

        await Fill(form, "IP address or range", "203.0.113.50");

        await form.WaitForAssertionAsync(() => Assert.DoesNotContain("Did you mean", form.Markup));
    }

    internal static async Task Fill(IRenderedComponent<MudBlazor.MudDialogProvider> form, string label, string value)
    {
        var id = form.FindAll("label").First(l => l.TextContent.Trim().StartsWith(label, StringComparison.Ordinal)).GetAttribute("for");
        var input = form.Find($"#{id}");
        await input.InputAsync(new ChangeEventArgs { Value = value });
    }
}
