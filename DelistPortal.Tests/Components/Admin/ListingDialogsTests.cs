using Bunit;
using DelistPortal.Blocklist;
using DelistPortal.Components.Pages.Admin;
using DelistPortal.Portal;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace DelistPortal.Tests.Components.Admin;

public sealed class ListingDialogsTests : AdminComponentTest
{
    [Fact]
    public async Task TheAddDialogExplainsABadRangeAndSuggestsTheNetworkMeant()
    {
        var dialog = await ShowDialogAsync(new DialogParametersFor.Add(Caller).Parameters);
        await Dialogs.WaitForAssertionAsync(() => Assert.Contains("IP address or range", Dialogs.Markup));

        await ListingsGridForViewersTests.Fill(Dialogs, "IP address or range", "198.51.100.7/24");
        await Save(Dialogs, "Add listing");

        await Dialogs.WaitForAssertionAsync(() => Assert.Contains("Did you mean 198.51.100.0/24?", Dialogs.Markup));
        Assert.Contains("Describe why the address is listed", Dialogs.Markup);
        await using var db = Harness.Database.CreateDbContext();
        Assert.Equal(0, await db.Listings.CountAsync());
        _ = dialog;
    }

    [Fact]
    public async Task TheAddDialogListsAValidRangeAndClosesWithIt()
    {
        var dialog = await ShowDialogAsync(new DialogParametersFor.Add(Caller).Parameters);
        await Dialogs.WaitForAssertionAsync(() => Assert.Contains("IP address or range", Dialogs.Markup));

        await ListingsGridForViewersTests.Fill(Dialogs, "IP address or range", "198.51.100.0/24");
        await ListingsGridForViewersTests.Fill(Dialogs, "Detail", "Snowshoe spam from the whole range.");
        await Save(Dialogs, "Add listing");

        var result = await dialog.Result;
        Assert.False(result!.Canceled);
        Assert.Equal("198.51.100.0/24", Assert.IsType<Listing>(result.Data).Network);
        Assert.True(await Harness.IsListedAsync("198.51.100.42"));
        await using var db = Harness.Database.CreateDbContext();
        var listed = await db.ListingEvents.SingleAsync();
        Assert.Equal((ActorKind.Admin, "alice", "192.0.2.200"), (listed.ActorKind, listed.ActorName, listed.ClientAddress));
    }

    [Fact]
    public async Task TheSecondOfTwoAdminsEditingOneListingIsToldAndOverwritesNothing()
    {
        var seenByBoth = await Harness.ListAsync("203.0.113.7");
        var dialog = await ShowDialogAsync(DialogParametersFor.Edit(Caller, seenByBoth));
        await Dialogs.WaitForAssertionAsync(() => Assert.Contains("Expires now", Dialogs.Markup));
        // The other admin saves first.
        await Harness.Blocklist.EditAsync(seenByBoth.Id, seenByBoth.Version, new ListingEdit { Detail = "Bob's wording." }, Actor.Admin("bob"), null);

        await ListingsGridForViewersTests.Fill(Dialogs, "Detail", "Alice's wording.");
        await Save(Dialogs, "Save");

        await Dialogs.WaitForAssertionAsync(() => Assert.Contains("Another admin changed 203.0.113.7 after you opened it. Nothing was overwritten", Dialogs.Markup));
        await using var db = Harness.Database.CreateDbContext();
        Assert.Equal("Bob's wording.", (await db.Listings.SingleAsync()).Detail);
        Assert.True(Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Save").HasAttribute("disabled"));
        _ = dialog;
    }

    [Fact]
    public async Task DelistingNeedsAReason()
    {
        var listing = await Harness.ListAsync("203.0.113.7");
        var dialog = await ShowDialogAsync(DialogParametersFor.Delist(Caller, [listing]));
        await Dialogs.WaitForAssertionAsync(() => Assert.Contains("Remove from the blocklist: 203.0.113.7", Dialogs.Markup));

        await Save(Dialogs, "Delist");

        await Dialogs.WaitForAssertionAsync(() => Assert.Contains("Give a reason", Dialogs.Markup));
        Assert.True(await Harness.IsListedAsync("203.0.113.7"));
        _ = dialog;
    }

    private static Task Save(IRenderedComponent<MudDialogProvider> dialogs, string button) =>
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == button).ClickAsync(new MouseEventArgs());
}
