using DelistPortal.Blocklist;
using DelistPortal.Data;
using DelistPortal.EndToEnd.Support;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DelistPortal.EndToEnd;

/// <summary>A sender removes a listed IP in real Chromium, taking the link out of mail that really arrived over SMTP.</summary>
public sealed class SenderDelistFlowTests(PortalUnderTest portal) : IClassFixture<PortalUnderTest>
{
    private const string Email = "postmaster@sender.example";

    [Fact]
    public async Task ASenderCompletesTheWholeFlowAndTheLinkWorksOnlyOnce()
    {
        await using var context = await portal.Browser.NewContextAsync();
        var wizard = new DelistWizardPage(await portal.OpenAsync(context, "/?ip=203.0.113.7"));
        await Expect(wizard.IpAddress).ToHaveValueAsync("203.0.113.7");
        await Screenshots.SaveAsync(wizard.Page, "1-request");

        await wizard.SubmitAsync(Email);

        await Expect(wizard.Heading("Check your email")).ToBeVisibleAsync();
        await Expect(wizard.Page.GetByText($"We sent a confirmation link to {Email}")).ToBeVisibleAsync();
        await Expect(wizard.Page.GetByRole(AriaRole.Button, new() { Name = "Resend" })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(wizard.Page, "2-check-your-email");

        var mail = await portal.Smtp.WaitForMessageAsync(m => m.To.ToString().Contains(Email) && (m.Subject ?? "").Contains("203.0.113.7"));
        var link = MailLinks.ConfirmationLink(mail);
        Assert.StartsWith(portal.RootUri.AbsoluteUri, link.AbsoluteUri);

        // The link opens in a new tab, on a new circuit.
        var confirm = new DelistWizardPage(await portal.OpenAsync(context, link.PathAndQuery));
        await Expect(confirm.DelistButton).ToBeVisibleAsync();
        await Expect(confirm.Page.GetByText("Bulk unsolicited mail")).ToBeVisibleAsync();
        await Expect(confirm.Page.GetByText("it will be listed again")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(confirm.Page, "3-delist");

        await confirm.DelistButton.ClickAsync();

        await Expect(confirm.Page.GetByText("203.0.113.7 has been removed from the blocklist")).ToBeVisibleAsync();
        await Expect(confirm.Page.GetByText(mail.Headers["X-Delist-Reference"]!).First).ToBeVisibleAsync();
        await Screenshots.SaveAsync(confirm.Page, "4-delisted");

        // The removal is recorded: who (the confirmed address), when, and from which client address.
        await using (var db = await portal.Portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            var delisted = await db.ListingEvents.SingleAsync(e => e.Network == "203.0.113.7" && e.Kind == ListingEventKind.Delisted);
            Assert.Equal((ActorKind.Requester, Email), (delisted.ActorKind, delisted.ActorName));
            Assert.Equal("127.0.0.1", delisted.ClientAddress);
        }

        // Afterwards the address is not listed: the wizard says so.
        var again = new DelistWizardPage(await portal.OpenAsync(context, "/"));
        await again.SubmitAsync(Email, "203.0.113.7");
        await Expect(again.Page.GetByText("203.0.113.7 is not on our blocklist")).ToBeVisibleAsync();

        // The same link again is refused and changes nothing.
        var reused = await portal.OpenAsync(context, link.PathAndQuery);
        await Expect(reused.GetByText("This link has already been used")).ToBeVisibleAsync();
        await Expect(reused.GetByRole(AriaRole.Button, new() { Name = "Delist IP" })).ToHaveCountAsync(0);
        await Screenshots.SaveAsync(reused, "5-link-used-again");

        // The whole flow works under the portal's Content-Security-Policy.
        Assert.Empty(portal.CspViolations);
    }

    [Fact]
    public async Task AnUnlistedAddressGetsTheNotListedMessageAndNoMail()
    {
        await using var context = await portal.Browser.NewContextAsync();
        var wizard = new DelistWizardPage(await portal.OpenAsync(context, "/"));
        var mailsBefore = portal.Smtp.Messages.Count;

        await wizard.SubmitAsync("someone@sender.example", "198.18.0.1");
        await Expect(wizard.Page.GetByText("This address is reserved")).ToBeVisibleAsync();
        await wizard.SubmitAsync("someone@sender.example", "203.0.113.99");

        await Expect(wizard.Page.GetByText("203.0.113.99 is not on our blocklist")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(wizard.Page, "not-listed");
        Assert.Equal(mailsBefore, portal.Smtp.Messages.Count);
    }

    [Fact]
    public async Task AMadeUpLinkGetsAClearMessage()
    {
        await using var context = await portal.Browser.NewContextAsync();

        var page = await portal.OpenAsync(context, "/confirm?request=DL-0000-0000&token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

        await Expect(page.GetByText("This link is not valid, and nothing was changed")).ToBeVisibleAsync();
    }
}
