using DelistPortal.EndToEnd.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DelistPortal.EndToEnd;

/// <summary>A sender pastes the whole rejection message; the portal finds the IP and asks before using it.</summary>
public sealed class PasteBounceFlowTests(PortalUnderTest portal) : IClassFixture<PortalUnderTest>
{
    private const string Bounce = """
        Delivery has failed to these recipients or groups:
        someone@portal.example
        Remote server returned '550 5.7.606 Access denied, banned sending IP [192.0.2.14]; To request removal from this list please visit http://portal.test/?ip=192.0.2.14'
        Original message headers:
        Received: from mail.sender.example (10.1.2.3) by relay.sender.example; Fri, 27 Nov 2026 09:12:44 +0000
        """;

    [Fact]
    public async Task TheIpIsFoundInThePastedBounceAndUsedAfterConfirmation()
    {
        await using var context = await portal.Browser.NewContextAsync("en");
        var wizard = new DelistWizardPage(await portal.OpenAsync(context, "/"));
        await wizard.EmailAddress.FillAsync("paste@sender.example");

        await wizard.Page.GetByRole(AriaRole.Button, new() { Name = "Paste the bounce message instead" }).ClickAsync();
        await wizard.Page.GetByLabel("Bounce message").FillAsync(Bounce);
        await wizard.Page.GetByRole(AriaRole.Button, new() { Name = "Find the IP address" }).ClickAsync();

        await Expect(wizard.Page.GetByText("The message names the IP address 192.0.2.14. Is this the address to remove?")).ToBeVisibleAsync();
        await Expect(wizard.IpAddress).ToHaveValueAsync("");
        await Screenshots.SaveAsync(wizard.Page, "paste-1-found");
        await wizard.Page.GetByRole(AriaRole.Button, new() { Name = "Use 192.0.2.14" }).ClickAsync();

        await Expect(wizard.IpAddress).ToHaveValueAsync("192.0.2.14");
        await Expect(wizard.IpAddress).ToBeFocusedAsync();
        await wizard.SubmitButton.ClickAsync();
        await Expect(wizard.Heading("Check your email")).ToBeVisibleAsync();
        await portal.Smtp.WaitForMessageAsync(m => (m.Subject ?? "").Contains("192.0.2.14"));
    }

    [Fact]
    public async Task SeveralAddressesOrNoneGetAClearMessage()
    {
        await using var context = await portal.Browser.NewContextAsync("en");
        var page = await portal.OpenAsync(context, "/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Paste the bounce message instead" }).ClickAsync();
        var bounce = page.GetByLabel("Bounce message");
        var find = page.GetByRole(AriaRole.Button, new() { Name = "Find the IP address" });

        await bounce.FillAsync("banned sending IP [203.0.113.7]; Received: from mx.sender.example [198.51.100.20]");
        await find.ClickAsync();
        await Expect(page.GetByText("The message names 2 different public IP addresses.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Use 203.0.113.7" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Use 198.51.100.20" })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "paste-2-several");

        await bounce.FillAsync("550 5.7.1 Message rejected as spam");
        await find.ClickAsync();
        await Expect(page.GetByText("No public IP address was found in this text.")).ToBeVisibleAsync();
    }
}
