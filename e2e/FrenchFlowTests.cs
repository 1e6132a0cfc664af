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
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "fr");
        await Expect(page).ToHaveTitleAsync("Demander le retrait de la liste de blocage – Portail de retrait");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Retirer votre adresse IP de notre liste de blocage" })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Adresse IP", new() { Exact = true })).ToHaveValueAsync("203.0.113.7");

        await page.GetByLabel("Adresse e-mail").FillAsync(Email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Envoyer", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Consultez vos e-mails" })).ToBeVisibleAsync();
        await Expect(page).ToHaveTitleAsync("Consultez vos e-mails – Portail de retrait");
        await Expect(page.GetByText($"Nous avons envoyé un lien de confirmation à {Email}")).ToBeVisibleAsync();
        // Dates in French, with their zone: "… jusqu'au vendredi 27 novembre 2026 09:30 UTC".
        await Expect(page.GetByText(FrenchDate())).ToBeVisibleAsync();

        var mail = await portal.Smtp.WaitForMessageAsync(m => m.To.ToString().Contains(Email));
        Assert.Equal("Confirmez le retrait de 203.0.113.7 de la liste de blocage", mail.Subject);
        Assert.Equal("fr", mail.Body!.Headers["Content-Language"]);
        Assert.Contains("Quelqu'un, sans doute vous, a demandé le retrait de l'adresse IP 203.0.113.7", mail.TextBody);
        Assert.Matches(FrenchDate(), mail.TextBody);
        Assert.Contains("lang=\"fr\"", mail.HtmlBody);
        Assert.Contains("Ouvrir la page de retrait", mail.HtmlBody);

        var confirm = await portal.OpenAsync(context, MailLinks.ConfirmationLink(mail).PathAndQuery);
        await Expect(confirm.GetByText("Votre adresse e-mail est confirmée.")).ToBeVisibleAsync();
        await Expect(confirm.GetByText("Motif :")).ToBeVisibleAsync();
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Retirer l'IP", Exact = true }).ClickAsync();
        await Expect(confirm.GetByText("203.0.113.7 a été retirée de la liste de blocage")).ToBeVisibleAsync();
        await Expect(confirm).ToHaveTitleAsync("Adresse IP retirée – Portail de retrait");

        var reference = mail.Headers["X-Delist-Reference"]!;
        var status = await context.RunAndWaitForPageAsync(() => confirm.GetByRole(AriaRole.Link, new() { Name = reference }).ClickAsync());
        await Expect(status.GetByRole(AriaRole.Heading, new() { Name = $"Demande {reference}" })).ToBeVisibleAsync();
        await Expect(status.GetByRole(AriaRole.Heading, new() { Name = "Retirée de la liste" })).ToBeVisibleAsync();
        await Expect(status.GetByText(Email)).ToHaveCountAsync(0);

        // Later, with only the reference at hand: typed from the home page, as people type it.
        var home = await portal.OpenAsync(context, "/");
        await home.GetByRole(AriaRole.Link, new() { Name = "Déjà envoyé une demande\u00a0? Suivez son état" }).ClickAsync();
        await home.GetByLabel("Référence").FillAsync(reference.Replace("-", " ").ToLowerInvariant());
        await home.GetByRole(AriaRole.Button, new() { Name = "Afficher l'état" }).ClickAsync();
        await Expect(home.GetByRole(AriaRole.Heading, new() { Name = "Retirée de la liste" })).ToBeVisibleAsync();
        Assert.EndsWith($"/status/{reference}", home.Url);
    }

    [Fact]
    public async Task TheLanguageSwitchOverridesTheBrowserAndIsRemembered()
    {
        await using var context = await portal.Browser.NewContextAsync("en");
        var page = await portal.OpenAsync(context, "/status/DL-0000-0000");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Request DL-0000-0000" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { NameRegex = LanguageLink("FR") }).ClickAsync();

        // Back on the same page, now in French.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Demande DL-0000-0000" })).ToBeVisibleAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "fr");
        Assert.EndsWith("/status/DL-0000-0000", page.Url);
        Assert.Contains(await context.CookiesAsync(), c => c.Name == ".AspNetCore.Culture" && c.Value.Contains("uic%3Dfr"));

        var later = await portal.OpenAsync(context, "/");
        await Expect(later.GetByRole(AriaRole.Heading, new() { Name = "Retirer votre adresse IP de notre liste de blocage" })).ToBeVisibleAsync();

        await later.GetByRole(AriaRole.Link, new() { NameRegex = LanguageLink("EN") }).ClickAsync();
        await Expect(later.GetByRole(AriaRole.Heading, new() { Name = "Remove your IP address from our blocklist" })).ToBeVisibleAsync();
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
