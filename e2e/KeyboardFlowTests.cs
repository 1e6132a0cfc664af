using DelistPortal.EndToEnd.Support;
using DelistPortal.Tests.Support;
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
}
