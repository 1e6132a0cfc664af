using Bunit;
using DelistPortal.Components.Pages.Admin;
using DelistPortal.Delisting;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Components.Admin;

public sealed class ReviewPanelTests : AdminComponentTest
{
    [Fact]
    public async Task ApprovingARequestInReviewDelistsAndMailsTheSender()
    {
        var request = await InReviewAsync();
        var decided = false;
        var panel = Render<ReviewPanel>(p => p.Add(x => x.Request, request).Add(x => x.Caller, Caller).Add(x => x.CanWrite, true)
            .Add(x => x.OnDecided, () => { decided = true; }));
        await panel.WaitForAssertionAsync(() => Assert.Contains("Approving removes: 203.0.113.7", panel.Markup));

        await panel.FindAll("button").Single(b => b.TextContent.Trim() == "Approve and delist").ClickAsync(new MouseEventArgs());

        await panel.WaitForAssertionAsync(() => Assert.Contains("Approved: 203.0.113.7 removed from the blocklist.", panel.Markup));
        Assert.True(decided);
        Assert.False(await Harness.IsListedAsync("203.0.113.7"));
        Assert.Contains("removed", Assert.Single(await Harness.SentMailAsync()).Subject);
    }

    [Fact]
    public async Task DenyingAsksForAMessageThenMailsIt()
    {
        var request = await InReviewAsync();
        var panel = Render<ReviewPanel>(p => p.Add(x => x.Request, request).Add(x => x.Caller, Caller).Add(x => x.CanWrite, true));
        await panel.WaitForAssertionAsync(() => Assert.Contains("Deny", panel.Markup));
        var deny = () => panel.FindAll("button").Single(b => b.TextContent.Trim() == "Deny").ClickAsync(new MouseEventArgs());

        await deny();
        await panel.WaitForAssertionAsync(() => Assert.Contains("Tell the sender why the request is denied.", panel.Markup));
        await panel.Find("textarea").InputAsync(new ChangeEventArgs { Value = "We still receive spam from this host." });
        await deny();

        await panel.WaitForAssertionAsync(() => Assert.Contains("Denied: 203.0.113.7 stays listed.", panel.Markup));
        Assert.True(await Harness.IsListedAsync("203.0.113.7"));
        Assert.Contains("We still receive spam from this host.", Assert.Single(await Harness.SentMailAsync()).TextBody);
        await using var db = Harness.Database.CreateDbContext();
        Assert.Equal(DelistRequestState.Denied, (await db.DelistRequests.SingleAsync()).State);
    }

    [Fact]
    public async Task WithoutWriteAccessThereAreNoDecisionButtons()
    {
        var request = await InReviewAsync();

        var panel = Render<ReviewPanel>(p => p.Add(x => x.Request, request).Add(x => x.Caller, Caller).Add(x => x.CanWrite, false));

        await panel.WaitForAssertionAsync(() => Assert.Contains("Approving removes", panel.Markup));
        Assert.DoesNotContain(panel.FindAll("button"), b => b.TextContent.Trim() is "Deny" or "Approve and delist");
    }

    [Fact]
    public async Task ApprovingARequestInsideARangeFreesTheAddressAndSaysTheRangeStaysListed()
    {
        await Harness.ListAsync("203.0.113.0", 24);
        var request = await InReviewAsync(listAddress: false);
        var panel = Render<ReviewPanel>(p => p.Add(x => x.Request, request).Add(x => x.Caller, Caller).Add(x => x.CanWrite, true));
        await panel.WaitForAssertionAsync(() => Assert.Contains(
            "Approving frees 203.0.113.7 from 203.0.113.0/24 (Spam), which stays listed for every other address.", panel.Markup));
        Assert.DoesNotContain("Approving removes", panel.Markup);

        await panel.FindAll("button").Single(b => b.TextContent.Trim() == "Approve and delist").ClickAsync(new MouseEventArgs());

        await panel.WaitForAssertionAsync(() => Assert.Contains(
            "Approved: 203.0.113.7 freed from 203.0.113.0/24, which stays listed for every other address.", panel.Markup));
        Assert.False(await Harness.IsListedAsync("203.0.113.7"));
        Assert.True(await Harness.IsListedAsync("203.0.113.8"));
    }

    private async Task<DelistRequest> InReviewAsync(bool listAddress = true)
    {
        if (listAddress)
        {
            await Harness.ListAsync("203.0.113.7");
        }
        await using var db = Harness.Database.CreateDbContext();
        var now = Harness.Clock.GetUtcNow();
        var request = new DelistRequest
        {
            Id = Guid.NewGuid(), Reference = RequestReference.New(), Email = "sender@example.org", IpAddress = System.Net.IPAddress.Parse("203.0.113.7"),
            CreatedAt = now, TokenHash = [], TokenExpiresAt = now.AddMinutes(30),
        };
        request.MarkInReview(now, "198.51.100.77", "Self-service refused (SelfServiceNotAllowed) for 203.0.113.7");
        db.DelistRequests.Add(request);
        await db.SaveChangesAsync();
        return request;
    }
}
