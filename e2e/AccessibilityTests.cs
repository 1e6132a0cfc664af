using DelistPortal.EndToEnd.Support;
using Microsoft.Playwright;
using MimeKit;
using static Microsoft.Playwright.Assertions;

namespace DelistPortal.EndToEnd;

/// <summary>
/// axe-core at WCAG 2.2 AA on every public page and every state of every wizard step, in English and in French.
/// The portal runs with its embedded mailbox, so the Mailbox page is checked too.
/// </summary>
public sealed class AccessibilityTests(EmbeddedPortalUnderTest portal) : IClassFixture<EmbeddedPortalUnderTest>
{
    private const string Bounce = "550 5.7.606 Access denied, banned sending IP [{0}]; To request removal from this list please visit http://portal.test/?ip={0}";

    [Theory]
    [InlineData("en", "203.0.113.25")]
    [InlineData("fr", "192.0.2.14")]
    public async Task EveryPageAndWizardStepHasNoViolations(string culture, string listedIp)
    {
        string T(string en, string fr) => culture == "fr" ? fr : en;
        await using var context = await portal.Browser.NewContextAsync(culture);
        var page = await portal.OpenAsync(context, "/");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", culture);
        await Accessibility.AssertNoViolationsAsync(page, "the request step");

        await page.GetByRole(AriaRole.Button, new() { Name = T("Submit", "Envoyer"), Exact = true }).ClickAsync();
        await Expect(page.GetByText(T("Enter the email address the bounce was sent to", "Saisissez l'adresse e-mail"))).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(page, "the request step with errors");

        await page.GetByRole(AriaRole.Button, new() { Name = T("Paste the bounce message instead", "Ou collez le message de rejet") }).ClickAsync();
        var bounce = page.GetByLabel(T("Bounce message", "Message de rejet"));
        await bounce.FillAsync(string.Format(Bounce, listedIp) + "\nReceived: from mx.sender.example [198.51.100.200]");
        await page.GetByRole(AriaRole.Button, new() { Name = T("Find the IP address", "Trouver l'adresse IP") }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = T("Use 198.51.100.200", "Utiliser 198.51.100.200") })).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(page, "the bounce with several addresses");
        await bounce.FillAsync("550 Access denied");
        await page.GetByRole(AriaRole.Button, new() { Name = T("Find the IP address", "Trouver l'adresse IP") }).ClickAsync();
        await Expect(page.GetByText(T("No public IP address was found", "Aucune adresse IP publique"))).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(page, "the bounce with no address");
        await bounce.FillAsync(string.Format(Bounce, listedIp));
        await page.GetByRole(AriaRole.Button, new() { Name = T("Find the IP address", "Trouver l'adresse IP") }).ClickAsync();
        var use = page.GetByRole(AriaRole.Button, new() { Name = T($"Use {listedIp}", $"Utiliser {listedIp}") });
        await Expect(use).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(page, "the bounce with one address");
        await use.ClickAsync();

        var email = page.GetByLabel(T("Email address", "Adresse e-mail"));
        var ip = page.GetByLabel(T("IP address", "Adresse IP"), new() { Exact = true });
        await Expect(ip).ToHaveValueAsync(listedIp);
        await email.FillAsync($"postmaster-{culture}@sender.example");
        await ip.FillAsync("203.0.113.99");
        await page.GetByRole(AriaRole.Button, new() { Name = T("Submit", "Envoyer"), Exact = true }).ClickAsync();
        await Expect(page.GetByText(T("203.0.113.99 is not on our blocklist", "203.0.113.99 ne figure pas sur notre liste de blocage"))).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(page, "the not-listed outcome");

        await ip.FillAsync(listedIp);
        await page.GetByRole(AriaRole.Button, new() { Name = T("Submit", "Envoyer"), Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = T("Check your email", "Consultez vos e-mails") })).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(page, "the check-your-email step");
        await page.GetByRole(AriaRole.Button, new() { Name = T("Resend", "Renvoyer"), Exact = true }).ClickAsync();
        await Expect(page.GetByText(T("then ask for the email again", "puis redemandez l'e-mail"))).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(page, "the check-your-email step after Resend");

        var mailbox = await portal.OpenAsync(context, "/mailbox");
        await Expect(mailbox.Locator("iframe").First).ToBeVisibleAsync();
        // The mail is shown in a sandboxed iframe that runs no script, so axe cannot enter it (and would wait for
        // it); the mail's HTML is checked on its own page just below instead.
        await Accessibility.AssertNoViolationsAsync(mailbox, "the mailbox", "iframe.mailbox-frame");
        var mail = await context.NewPageAsync();
        await mail.SetContentAsync(await MailHtmlForAsync(listedIp));
        await Expect(mail.Locator("html")).ToHaveAttributeAsync("lang", culture);
        await Accessibility.AssertNoViolationsAsync(mail, "the confirmation mail");

        var link = await LinkForAsync(listedIp);
        var confirm = await portal.OpenAsync(context, link.PathAndQuery);
        var delist = confirm.GetByRole(AriaRole.Button, new() { Name = T("Delist IP", "Retirer l'IP"), Exact = true });
        await Expect(delist).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(confirm, "the delist step");
        await delist.ClickAsync();
        await Expect(confirm.GetByText(T($"{listedIp} has been removed", $"{listedIp} a été retirée"))).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(confirm, "the delisted outcome");

        var reference = link.Query.Split('&')[0].Split('=')[1];
        var status = await portal.OpenAsync(context, $"/status/{reference}");
        await Expect(status.GetByRole(AriaRole.Heading, new() { Name = T("Delisted", "Retirée de la liste") })).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(status, "the status page");

        var reused = await portal.OpenAsync(context, link.PathAndQuery);
        await Expect(reused.GetByText(T("This link has already been used", "Ce lien a déjà été utilisé"))).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(reused, "a used link");

        var invalid = await portal.OpenAsync(context, "/confirm?request=DL-0000-0000&token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        await Expect(invalid.GetByText(T("This link is not valid", "Ce lien n'est pas valide"))).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(invalid, "an invalid link");

        foreach (var path in new[] { "/status", "/status/DL-0000-0000", "/not-found", "/error", "/no-such-page" })
        {
            var other = await portal.OpenAsync(context, path);
            await Expect(other.Locator("h1")).ToBeVisibleAsync();
            await Accessibility.AssertNoViolationsAsync(other, path);
        }
    }

    private async Task<Uri> LinkForAsync(string ip) => Tests.Support.MailLinks.ConfirmationLink(await MailForAsync(ip));

    private async Task<string> MailHtmlForAsync(string ip) => (await MailForAsync(ip)).HtmlBody ?? "";

    private async Task<MimeMessage> MailForAsync(string ip)
    {
        var folder = Path.Combine(portal.Portal.DataFolder, "mailbox");
        foreach (var file in Directory.GetFiles(folder, "*.eml").OrderDescending())
        {
            var message = await MimeMessage.LoadAsync(file);
            if ((message.Subject ?? "").Contains(ip, StringComparison.Ordinal))
            {
                return message;
            }
        }
        throw new InvalidOperationException($"No mail for {ip} in {folder}.");
    }
}
