using System.Net;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.EndToEnd.Support;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DelistPortal.EndToEnd;

/// <summary>The whole flow with the keyboard alone: Tab, typing, Enter and Space. Nothing is clicked.</summary>
public sealed class KeyboardFlowTests(PortalUnderTest portal) : IClassFixture<PortalUnderTest>
{
    [Fact]
    public async Task ASenderCompletesTheWizardWithTheKeyboardAlone()
    {
        const string email = "keyboard@sender.example";
        await using var context = await portal.Browser.NewContextAsync("en");
        var page = await portal.OpenAsync(context, "/");

        await page.TabToAsync("Email address");
        await page.Keyboard.TypeAsync(email);
        await page.TabToAsync("IP address");
        await page.Keyboard.TypeAsync("2001:db8::25");
        await page.TabToAsync("Submit");
        await page.Keyboard.PressAsync("Enter");

        // Focus moved to the new step's heading, where a screen reader starts reading.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your email" })).ToBeFocusedAsync();

        var mail = await portal.Smtp.WaitForMessageAsync(m => m.To.ToString().Contains(email));
        var confirm = await portal.OpenAsync(context, MailLinks.ConfirmationLink(mail).PathAndQuery);
        await confirm.TabToAsync("Delist IP");
        await confirm.Keyboard.PressAsync("Space");

        var outcome = confirm.GetByRole(AriaRole.Heading, new() { Name = "2001:db8::25 has been removed from the blocklist" });
        await Expect(outcome).ToBeFocusedAsync();

        var reference = mail.Headers["X-Delist-Reference"]!;
        await confirm.TabToAsync(reference);
        var status = await context.RunAndWaitForPageAsync(() => confirm.Keyboard.PressAsync("Enter"));
        await Expect(status.GetByRole(AriaRole.Heading, new() { Name = "Delisted" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task WrongInputMovesFocusToTheFieldWhoseErrorIsTiedToIt()
    {
        await using var context = await portal.Browser.NewContextAsync("en");
        var page = await portal.OpenAsync(context, "/");

        await page.TabToAsync("Email address");
        await page.Keyboard.TypeAsync("postmaster");
        await page.Keyboard.PressAsync("Enter");

        var field = page.GetByLabel("Email address");
        await Expect(field).ToBeFocusedAsync();
        await Expect(field).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(field).ToHaveAccessibleDescriptionAsync(new System.Text.RegularExpressions.Regex("This is not a valid email address"));
    }

    [Fact]
    public async Task TheFirstTabStopAfterTheHeadingIsTheEmailField()
    {
        await using var context = await portal.Browser.NewContextAsync("en");
        var page = await portal.OpenAsync(context, "/");

        // Start reading at the page's heading, as a screen reader user would, then Tab once.
        await page.Locator("h1").EvaluateAsync("h => { h.tabIndex = -1; h.focus(); }");
        await page.Keyboard.PressAsync("Tab");

        await Expect(page.GetByLabel("Email address")).ToBeFocusedAsync();
    }

    [Fact]
    public async Task FocusMovesToTheOutcomeWhenTheRequestGoesToReviewAndWhenTheLinkWasUsedMeanwhile()
    {
        const string ip = "203.0.113.230";
        const string email = "postmaster@review-focus.example";
        await ListAsync(ip, selfService: false);
        await using var context = await portal.Browser.NewContextAsync("en");
        var page = await portal.OpenAsync(context, $"/?ip={ip}");
        await page.GetByLabel("Email address").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit", Exact = true }).ClickAsync();
        var mail = await portal.Smtp.WaitForMessageAsync(m => m.To.ToString().Contains(email));
        var link = MailLinks.ConfirmationLink(mail).PathAndQuery;
        var first = await portal.OpenAsync(context, link);
        var second = await portal.OpenAsync(context, link);

        await first.TabToAsync("Delist IP");
        await first.Keyboard.PressAsync("Enter");
        await Expect(first.GetByRole(AriaRole.Heading, new() { Name = "Your request goes to our team for review" })).ToBeFocusedAsync();
        // The reference links to its status page, as in the delisted outcome.
        await Expect(first.GetByRole(AriaRole.Link, new() { Name = mail.Headers["X-Delist-Reference"]! + ":", Exact = false })).ToBeVisibleAsync();

        // The same link in another tab, pressed after the first: refused, and focus is on what it says.
        await second.TabToAsync("Delist IP");
        await second.Keyboard.PressAsync("Enter");
        await Expect(second.GetByRole(AriaRole.Heading, new() { Name = "This link has already been used" })).ToBeFocusedAsync();
    }

    [Theory]
    [InlineData("Approve and delist", "203.0.113.231", "Approved: 203.0.113.231")]
    [InlineData("Deny", "203.0.113.232", "Denied: 203.0.113.232")]
    public async Task FocusMovesToTheDecisionAfterApproveOrDeny(string button, string ip, string decided)
    {
        var email = $"postmaster@{button.Split(' ')[0].ToLowerInvariant()}-focus.example";
        await ListAsync(ip, selfService: false);
        await portal.AddAccountAsync("kay", "a long passphrase for the keyboard test", AdminRoles.Admin);
        var submitted = await portal.Portal.Services.SubmitSolvedAsync(email, ip, "198.51.100.250");
        var mail = await portal.Smtp.WaitForMessageAsync(m => m.To.ToString().Contains(email));
        var token = System.Text.RegularExpressions.Regex.Match(MailLinks.ConfirmationLink(mail).Query, "token=([^&]+)").Groups[1].Value;
        using (var scope = portal.Portal.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<Delisting.DelistService>().DelistAsync(submitted.Request!.Reference, token, "198.51.100.250");
        }
        await using var context = await portal.Browser.NewContextAsync("en");
        var admin = new AdminPages(await context.NewPageAsync());
        await admin.SignInAsync("kay", "a long passphrase for the keyboard test", portal.RootUri);
        await admin.OpenAsync(portal.RootUri, "/admin/requests");

        await admin.GridRows.Filter(new() { HasText = ip }).GetByRole(AriaRole.Button).First.ClickAsync();
        // A denial says why (an approval may too).
        await admin.Page.GetByLabel("Message to the sender").FillAsync("The traffic from this address still reaches our traps.");
        await admin.Button(button).FocusAsync();
        await admin.Page.Keyboard.PressAsync("Enter");

        var decision = admin.Page.GetByTestId("review-decision");
        await Expect(decision).ToContainTextAsync(decided);
        await Expect(decision).ToBeFocusedAsync();
    }

    [Fact]
    public async Task TheAddListingDialogOpensWithFocusOnItsFirstFieldAndEscapeClosesIt()
    {
        // MudBlazor's focus trap left focus on an invisible element of its own (wwwroot/dialog-focus.js moves it on).
        await portal.AddAccountAsync("lena", "a long passphrase for the keyboard test", AdminRoles.Admin);
        await using var context = await portal.Browser.NewContextAsync("en");
        var admin = new AdminPages(await context.NewPageAsync());
        await admin.SignInAsync("lena", "a long passphrase for the keyboard test", portal.RootUri);
        await admin.OpenAsync(portal.RootUri, "/admin/listings");

        await admin.Button("Add").ClickAsync();

        var dialog = admin.Page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByLabel("IP address or range")).ToBeFocusedAsync();
        await admin.Page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToHaveCountAsync(0);
    }

    private async Task ListAsync(string ip, bool selfService)
    {
        var draft = new ListingDraft(IpNetworkInput.Parse(ip).Network!.Value, ListingReason.Spam, "Spam seen by our sensors.", ListingSource.Admin) { SelfServiceAllowed = selfService };
        Assert.True((await portal.Portal.Services.GetRequiredService<BlocklistService>().ListAsync(draft, Actor.Admin("setup"), IPAddress.Loopback.ToString())).Succeeded);
    }
}
