using DelistPortal.EndToEnd.Support;
using DelistPortal.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DelistPortal.EndToEnd;

/// <summary>
/// Every step on a 360 px wide phone, in both languages: a screenshot each, nothing wider than the screen, and no axe-core
/// violation at WCAG 2.2 AA at that width (the layout differs from the desktop one the other axe tests see).
/// </summary>
public sealed class PhoneScreenTests(PortalUnderTest portal) : IClassFixture<PortalUnderTest>
{
    [Theory]
    [InlineData("en", "198.51.100.77", "postmaster@phone.example")]
    [InlineData("fr", "2001:db8:bad::77", "postmaster@telephone.example")]
    public async Task EveryStepFitsA360PixelScreen(string culture, string ip, string email)
    {
        await using var context = await portal.Browser.NewContextAsync(culture, Cultures.Phone);
        var page = await portal.OpenAsync(context, $"/?ip={Uri.EscapeDataString(ip)}");
        var wizard = new DelistWizardPage(page, culture);
        await FitsAsync(page, $"phone-{culture}-1-request");

        await wizard.PasteBounceAsync($"550 5.7.606 Access denied, banned sending IP [{ip}]");
        await Expect(wizard.UseAddressButton(ip)).ToBeVisibleAsync();
        await FitsAsync(page, $"phone-{culture}-1b-paste");

        await wizard.SubmitAsync(email);
        await Expect(wizard.CheckEmailHeading).ToBeVisibleAsync();
        await FitsAsync(page, $"phone-{culture}-2-check-your-email");

        var mail = await portal.Smtp.WaitForMessageAsync(m => m.To.ToString().Contains(email));
        var confirm = new DelistWizardPage(await portal.OpenAsync(context, MailLinks.ConfirmationLink(mail).PathAndQuery), culture);
        await Expect(confirm.DelistButton).ToBeVisibleAsync();
        await FitsAsync(confirm.Page, $"phone-{culture}-3-delist");

        await confirm.DelistButton.ClickAsync();
        await Expect(confirm.TextOf("Delisted_Heading", ip).First).ToBeVisibleAsync();
        await FitsAsync(confirm.Page, $"phone-{culture}-4-delisted");

        var status = new PortalPage(await portal.OpenAsync(context, $"/status/{mail.Headers["X-Delist-Reference"]}"), culture);
        await Expect(status.HeadingOf("Status_State_Delisted")).ToBeVisibleAsync();
        await FitsAsync(status.Page, $"phone-{culture}-5-status");
    }

    private static async Task FitsAsync(IPage page, string screenshot)
    {
        await Screenshots.SaveAsync(page, screenshot);
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        var (scrollWidth, innerWidth) = (widths[0], widths[1]);
        Assert.True(scrollWidth <= innerWidth, $"{screenshot}: the page is {scrollWidth} px wide on a {innerWidth} px screen");
        await Accessibility.AssertNoViolationsAsync(page, screenshot);
    }
}
