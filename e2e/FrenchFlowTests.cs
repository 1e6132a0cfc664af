using System.Text.RegularExpressions;
using DelistPortal.EndToEnd.Support;
using DelistPortal.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DelistPortal.EndToEnd;

/// <summary>A sender whose browser asks for French does everything in French, the mail included; the EN/FR switch overrides the browser and is remembered.</summary>
public sealed partial class FrenchFlowTests(PortalUnderTest portal) : IClassFixture<PortalUnderTest>
{
    private const string Email = "postmaster@expediteur.example";

    [Fact]
    public async Task AFrenchSenderCompletesTheFlowInFrenchWithAFrenchMail()
    {
        await using var context = await portal.Browser.NewContextAsync("fr");
        var page = await portal.OpenAsync(context, "/?ip=203.0.113.7");
        var wizard = new DelistWizardPage(page, "fr");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "fr");
        // Once in the words themselves, so that French is proven shown, not only looked up; the page objects do the rest.
        await Expect(page).ToHaveTitleAsync("Demander le retrait de la liste de blocage – Portail de retrait");
        await Expect(wizard.HeadingOf("Wizard_Heading")).ToBeVisibleAsync();
        await Expect(wizard.IpAddress).ToHaveValueAsync("203.0.113.7");

        await wizard.SubmitAsync(Email);

        await Expect(wizard.CheckEmailHeading).ToBeVisibleAsync();
        await Expect(page).ToHaveTitleAsync(wizard.TitleOf("Title_CheckEmail"));
        await Expect(wizard.TextOf("CheckEmail_Sent", Email, "203.0.113.7")).ToBeVisibleAsync();
        // Dates in French, with their zone: "… jusqu'au vendredi 27 novembre 2026 09:30 UTC".
        await Expect(page.GetByText(FrenchDate())).ToBeVisibleAsync();

        var mail = await portal.Smtp.WaitForMessageAsync(m => m.To.ToString().Contains(Email));
        Assert.Equal("Confirmez le retrait de 203.0.113.7 de la liste de blocage", mail.Subject);
        Assert.Equal("fr", mail.Body!.Headers["Content-Language"]);
        Assert.Contains("Quelqu'un, sans doute vous, a demandé le retrait de l'adresse IP 203.0.113.7", mail.TextBody);
        Assert.Matches(FrenchDate(), mail.TextBody);
        Assert.Contains("lang=\"fr\"", mail.HtmlBody);
        Assert.Contains("Ouvrir la page de retrait", mail.HtmlBody);

        var confirm = new DelistWizardPage(await portal.OpenAsync(context, MailLinks.ConfirmationLink(mail).PathAndQuery), "fr");
        await Expect(confirm.TextOf("Delist_Ready", "203.0.113.7")).ToBeVisibleAsync();
        await Expect(confirm.TextOf("Listing_Reason")).ToBeVisibleAsync();
        await confirm.DelistButton.ClickAsync();
        await Expect(confirm.TextOf("Delisted_Heading", "203.0.113.7")).ToBeVisibleAsync();
        await Expect(confirm.Page).ToHaveTitleAsync(confirm.TitleOf("Title_Delisted"));

        var reference = mail.Headers["X-Delist-Reference"]!;
        var status = new PortalPage(await context.RunAndWaitForPageAsync(() => confirm.Page.GetByRole(AriaRole.Link, new() { Name = reference }).ClickAsync()), "fr");
        await Expect(status.HeadingOf("Status_Title", reference)).ToBeVisibleAsync();
        await Expect(status.HeadingOf("Status_State_Delisted")).ToBeVisibleAsync();
        await Expect(status.Page.GetByText(Email)).ToHaveCountAsync(0);

        // Later, with only the reference at hand: typed from the home page, as people type it.
        var home = new PortalPage(await portal.OpenAsync(context, "/"), "fr");
        await home.LinkOf("StatusFind_Link").ClickAsync();
        await Expect(home.HeadingOf("StatusFind_Title")).ToBeVisibleAsync();
        await home.UntilInteractiveAsync();
        await home.Page.GetByLabel(home.Text["StatusFind_Reference"]).FillAsync(reference.Replace("-", " ").ToLowerInvariant());
        await home.ButtonOf("StatusFind_Show").ClickAsync();
        await Expect(home.HeadingOf("Status_State_Delisted")).ToBeVisibleAsync();
        Assert.EndsWith($"/status/{reference}", home.Page.Url);
    }

    [Fact]
    public async Task TheLanguageSwitchOverridesTheBrowserAndIsRemembered()
    {
        await using var context = await portal.Browser.NewContextAsync("en");
        var page = await portal.OpenAsync(context, "/status/DL-0000-0000");
        var (english, french) = (new PortalPage(page, "en"), new PortalPage(page, "fr"));
        await Expect(english.HeadingOf("Status_Title", "DL-0000-0000")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { NameRegex = LanguageLink("FR") }).ClickAsync();

        // Back on the same page, now in French.
        await Expect(french.HeadingOf("Status_Title", "DL-0000-0000")).ToBeVisibleAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "fr");
        Assert.EndsWith("/status/DL-0000-0000", page.Url);
        Assert.Contains(await context.CookiesAsync(), c => c.Name == ".AspNetCore.Culture" && c.Value.Contains("uic%3Dfr"));

        var later = await portal.OpenAsync(context, "/");
        await Expect(new PortalPage(later, "fr").HeadingOf("Wizard_Heading")).ToBeVisibleAsync();

        await later.GetByRole(AriaRole.Link, new() { NameRegex = LanguageLink("EN") }).ClickAsync();
        await Expect(new PortalPage(later, "en").HeadingOf("Wizard_Heading")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task TheSwitchOnlyReturnsToAddressesOnThePortal()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = portal.RootUri };

        var response = await client.GetAsync("/culture?culture=fr&returnUrl=//evil.example/phish");

        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    /// <summary>The language switch's link ("EN, English"): by its start, since other links contain "en" too.</summary>
    private static Regex LanguageLink(string code) => new($"^{code}\\b");

    [GeneratedRegex(@"(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4} \d{2}:\d{2} UTC")]
    private static partial Regex FrenchDate();
}
