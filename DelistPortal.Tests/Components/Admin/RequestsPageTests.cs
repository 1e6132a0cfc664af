using AngleSharp.Dom;
using Bunit;
using DelistPortal.Components.Pages.Admin;
using DelistPortal.Delisting;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Components.Admin;

public sealed class RequestsPageTests : AdminComponentTest
{
    [Fact]
    public async Task RequestsAreListedWithTheirState()
    {
        var waiting = await RequestAsync("203.0.113.7", inReview: false);
        var inReview = await RequestAsync("203.0.113.8", inReview: true);

        var page = Render<Requests>();

        await page.WaitForAssertionAsync(() => Assert.Equal(2, Rows(page).Count));
        Assert.Contains("Awaiting confirmation", RowOf(page, waiting).TextContent);
        Assert.Contains("203.0.113.7", RowOf(page, waiting).TextContent);
        Assert.Contains("In review", RowOf(page, inReview).TextContent);
        Assert.Contains("sender@example.org", RowOf(page, inReview).TextContent);
    }

    [Fact]
    public async Task TheDashboardsLinkShowsOnlyTheRequestsInReview()
    {
        await RequestAsync("203.0.113.7", inReview: false);
        var inReview = await RequestAsync("203.0.113.8", inReview: true);
        Services.GetRequiredService<NavigationManager>().NavigateTo("/admin/requests?state=InReview");

        var page = Render<Requests>();

        await page.WaitForAssertionAsync(() => Assert.Contains(inReview.Reference, Assert.Single(Rows(page)).TextContent));
    }

    [Fact]
    public async Task OpeningARequestInReviewShowsItsReviewAndApprovingItDelists()
    {
        await Harness.ListAsync("203.0.113.8");
        var inReview = await RequestAsync("203.0.113.8", inReview: true);
        var page = Render<Requests>();
        await page.WaitForAssertionAsync(() => Assert.Single(Rows(page)));

        await RowOf(page, inReview).QuerySelector("button")!.ClickAsync(new MouseEventArgs());

        await page.WaitForAssertionAsync(() => Assert.Contains("Approving removes: 203.0.113.8", page.Markup));
        await page.FindAll("button").Single(b => b.TextContent.Trim() == "Approve and delist").ClickAsync(new MouseEventArgs());

        await page.WaitForAssertionAsync(() => Assert.Contains("Approved: 203.0.113.8 removed from the blocklist.", page.Find("[data-testid=review-decision]").TextContent));
        await page.WaitForAssertionAsync(() => Assert.Contains("Delisted", RowOf(page, inReview).TextContent));
        Assert.False(await Harness.IsListedAsync("203.0.113.8"));
        await using var db = Harness.Database.CreateDbContext();
        Assert.Equal(DelistRequestState.Delisted, (await db.DelistRequests.SingleAsync()).State);
    }

    private async Task<DelistRequest> RequestAsync(string address, bool inReview)
    {
        await using var db = Harness.Database.CreateDbContext();
        var now = Harness.Clock.GetUtcNow();
        var request = new DelistRequest
        {
            Id = Guid.NewGuid(), Reference = RequestReference.New(), Email = "sender@example.org", IpAddress = System.Net.IPAddress.Parse(address),
            CreatedAt = now, TokenHash = [], TokenExpiresAt = now.AddMinutes(30),
        };
        if (inReview)
        {
            request.MarkInReview(now, "198.51.100.77", $"Self-service refused (SelfServiceNotAllowed) for {address}");
        }
        db.DelistRequests.Add(request);
        await db.SaveChangesAsync();
        return request;
    }

    private static IElement RowOf(IRenderedComponent<Requests> page, DelistRequest request) =>
        Rows(page).Single(r => r.TextContent.Contains(request.Reference, StringComparison.Ordinal));

    private static IReadOnlyList<IElement> Rows(IRenderedComponent<Requests> page) =>
        page.FindAll("tbody tr.mud-table-row").Where(r => r.QuerySelector("td.reference-cell") is not null).ToList();
}
