using System.Net;
using Bunit;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Components.Pages.Admin;
using DelistPortal.Tests.Support;
using Microsoft.AspNetCore.Components.Web;

namespace DelistPortal.Tests.Components.Admin;

/// <summary>A range's exceptions in its grid row: who freed which address, when, through which request; revoking one.</summary>
public sealed class RangeExceptionListTests : AdminComponentTest
{
    [Fact]
    public async Task ARangeShowsItsExceptionsWithWhoWhenAndWhichRequest()
    {
        var range = await Harness.ListAsync("198.51.100.0", 24);
        var reference = await FreeAsync(Harness, "198.51.100.1");

        var list = Render<RangeExceptionList>(p => p.Add(c => c.Listing, range).Add(c => c.Caller, Caller));

        await list.WaitForAssertionAsync(() => Assert.NotNull(list.Find("tr[data-exception='198.51.100.1']")));
        var row = list.Find("tr[data-exception='198.51.100.1']").TextContent;
        Assert.Contains("Active", row);
        Assert.Contains("Sender: postmaster@sender.example", row);
        Assert.Contains(reference, row);
        // The time in short form (ISO date and hh:mm, in a UTC column); the full form is its tooltip.
        Assert.Contains("2026-11-27", row);
        Assert.Contains("09:00", row);
        Assert.Contains("Addresses freed from this range", list.Markup);
    }

    [Fact]
    public async Task ASingleAddressHasNoExceptionsToShowAndARangeWithoutAnySaysSo()
    {
        var single = await Harness.ListAsync("203.0.113.7");
        var range = await Harness.ListAsync("198.51.100.0", 24);

        var ofSingle = Render<RangeExceptionList>(p => p.Add(c => c.Listing, single).Add(c => c.Caller, Caller));
        var ofRange = Render<RangeExceptionList>(p => p.Add(c => c.Listing, range).Add(c => c.Caller, Caller));

        Assert.Empty(ofSingle.FindAll("[data-testid=range-exceptions]"));
        await ofRange.WaitForAssertionAsync(() => Assert.Contains("No delist request has freed an address of this range.", ofRange.Markup));
    }

    [Fact]
    public async Task AnAdminRevokesAnExceptionAfterConfirmingAndTheRangeListsTheAddressAgain()
    {
        var range = await Harness.ListAsync("198.51.100.0", 24);
        await FreeAsync(Harness, "198.51.100.1");
        var list = Render<RangeExceptionList>(p => p.Add(c => c.Listing, range).Add(c => c.Caller, Caller).Add(c => c.ClientAddress, "192.0.2.50"));
        await list.WaitForAssertionAsync(() => Assert.NotNull(list.Find("button[aria-label='Revoke the exception of 198.51.100.1']")));
        Assert.False(await Harness.IsListedAsync("198.51.100.1"));

        // The handler waits for the confirmation: answer it before awaiting the click.
        var revoking = list.Find("button[aria-label='Revoke the exception of 198.51.100.1']").ClickAsync(new MouseEventArgs());
        await Dialogs.WaitForAssertionAsync(() => Assert.Contains("198.51.100.0/24 will list 198.51.100.1 again at once", Dialogs.Markup));
        await UsersPageTests.Button(Dialogs.FindAll("button"), "Revoke").ClickAsync(new MouseEventArgs());
        await revoking;

        await list.WaitForAssertionAsync(() => Assert.Contains("Revoked", list.Find("tr[data-exception='198.51.100.1']").TextContent));
        Assert.Contains("alice", list.Find("tr[data-exception='198.51.100.1']").TextContent);
        Assert.Empty(list.FindAll("button[aria-label='Revoke the exception of 198.51.100.1']"));
        Assert.True(await Harness.IsListedAsync("198.51.100.1"));
        Assert.True(Harness.Index.TryFindMostSpecific(IPAddress.Parse("198.51.100.1"), out _));
    }

    /// <summary>A sender frees the address through the wizard's service; returns the request's reference.</summary>
    internal static async Task<string> FreeAsync(DelistingHarness harness, string address)
    {
        var submitted = await harness.SubmitAsync("postmaster@sender.example", address, null);
        var (reference, token) = await harness.LastLinkAsync();
        Assert.Equal(DelistPortal.Delisting.ConfirmationStatus.Delisted, (await harness.Service.DelistAsync(reference, token, null)).Status);
        return submitted.Request!.Reference;
    }
}

public sealed class RangeExceptionListForViewersTests() : AdminComponentTest(AdminRoles.Viewer, "victor")
{
    [Fact]
    public async Task AViewerSeesTheExceptionsButCannotRevokeThem()
    {
        var range = await Harness.ListAsync("198.51.100.0", 24);
        await RangeExceptionListTests.FreeAsync(Harness, "198.51.100.1");

        var list = Render<RangeExceptionList>(p => p.Add(c => c.Listing, range).Add(c => c.Caller, Caller));

        await list.WaitForAssertionAsync(() => Assert.NotNull(list.Find("tr[data-exception='198.51.100.1']")));
        Assert.Empty(list.FindAll("button"));
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() =>
            Services.GetRequiredService<RangeExceptionAdminService>().RevokeAsync(Caller, 1, 0, null));
    }
}
