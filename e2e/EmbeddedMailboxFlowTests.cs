using DelistPortal.EndToEnd.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DelistPortal.EndToEnd;

/// <summary>A newcomer's first run: no SMTP account, the confirmation mail is read on the Mailbox page.</summary>
public sealed class EmbeddedMailboxFlowTests(EmbeddedPortalUnderTest portal) : IClassFixture<EmbeddedPortalUnderTest>
{
    [Fact]
    public async Task TheFlowCompletesThroughTheMailboxPage()
    {
        await using var context = await portal.Browser.NewContextAsync();
        var wizard = new DelistWizardPage(await portal.OpenAsync(context, "/"));
        await wizard.SubmitAsync("postmaster@sender.example", "198.51.100.23");
        await Expect(wizard.Heading("Check your email")).ToBeVisibleAsync();

        await wizard.Page.GetByRole(AriaRole.Link, new() { Name = "Mailbox" }).ClickAsync();
        await Expect(wizard.Page.GetByRole(AriaRole.Heading, new() { Name = "Mailbox" })).ToBeVisibleAsync();
        var mail = wizard.Page.Locator("iframe").First.ContentFrame;
        await Expect(mail.GetByText("198.51.100.23").First).ToBeVisibleAsync();
        await Screenshots.SaveAsync(wizard.Page, "mailbox");

        // The link in the mail opens a new tab, as it would from a mail client.
        var delistTab = await context.RunAndWaitForPageAsync(() =>
            mail.GetByRole(AriaRole.Link, new() { Name = "Open the delist page" }).ClickAsync());
        await delistTab.Locator("[data-interactive='true']").WaitForAsync();
        await delistTab.GetByRole(AriaRole.Button, new() { Name = "Delist IP", Exact = true }).ClickAsync();

        await Expect(delistTab.GetByText("198.51.100.23 has been removed from the blocklist")).ToBeVisibleAsync();
        await Expect(delistTab.GetByText("198.51.100.0/24").First).ToBeVisibleAsync();
    }
}
