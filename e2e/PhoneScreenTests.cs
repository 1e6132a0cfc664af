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
        string T(string en, string fr) => culture == "fr" ? fr : en;
        await using var context = await portal.Browser.NewContextAsync(culture, Cultures.Phone);
        var page = await portal.OpenAsync(context, $"/?ip={Uri.EscapeDataString(ip)}");
        await FitsAsync(page, $"phone-{culture}-1-request");

        await page.GetByRole(AriaRole.Button, new() { Name = T("Paste the bounce message instead", "Ou collez le message de rejet") }).ClickAsync();
        await page.GetByLabel(T("Bounce message", "Message de rejet")).FillAsync($"550 5.7.606 Access denied, banned sending IP [{ip}]");
        await page.GetByRole(AriaRole.Button, new() { Name = T("Find the IP address", "Trouver l'adresse IP") }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = T($"Use {ip}", $"Utiliser {ip}") })).ToBeVisibleAsync();
        await FitsAsync(page, $"phone-{culture}-1b-paste");

        await page.GetByLabel(T("Email address", "Adresse e-mail")).FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = T("Submit", "Envoyer"), Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = T("Check your email", "Consultez vos e-mails") })).ToBeVisibleAsync();
        await FitsAsync(page, $"phone-{culture}-2-check-your-email");

        var mail = await portal.Smtp.WaitForMessageAsync(m => m.To.ToString().Contains(email));
        var confirm = await portal.OpenAsync(context, MailLinks.ConfirmationLink(mail).PathAndQuery);
        var delist = confirm.GetByRole(AriaRole.Button, new() { Name = T("Delist IP", "Retirer l'IP"), Exact = true });
        await Expect(delist).ToBeVisibleAsync();
        await FitsAsync(confirm, $"phone-{culture}-3-delist");

        await delist.ClickAsync();
        await Expect(confirm.GetByText(T("has been removed from the blocklist", "a été retirée de la liste de blocage")).First).ToBeVisibleAsync();
        await FitsAsync(confirm, $"phone-{culture}-4-delisted");

        var status = await portal.OpenAsync(context, $"/status/{mail.Headers["X-Delist-Reference"]}");
        await Expect(status.GetByRole(AriaRole.Heading, new() { Name = T("Delisted", "Retirée de la liste") })).ToBeVisibleAsync();
        await FitsAsync(status, $"phone-{culture}-5-status");
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
