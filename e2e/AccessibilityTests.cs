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
        await using var context = await portal.Browser.NewContextAsync(culture);
        var page = await portal.OpenAsync(context, "/");
        var wizard = new DelistWizardPage(page, culture);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", culture);
        await Accessibility.AssertNoViolationsAsync(page, "the request step");

        await wizard.SubmitButton.ClickAsync();
        await Expect(wizard.TextOf("EmailError_Missing")).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(page, "the request step with errors");

        await wizard.PasteBounceAsync(string.Format(Bounce, listedIp) + "\nReceived: from mx.sender.example [198.51.100.200]");
        await Expect(wizard.UseAddressButton("198.51.100.200")).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(page, "the bounce with several addresses");
        await wizard.PasteBounceAsync("550 Access denied");
        await Expect(wizard.TextOf("Bounce_None")).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(page, "the bounce with no address");
        await wizard.PasteBounceAsync(string.Format(Bounce, listedIp));
        var use = wizard.UseAddressButton(listedIp);
        await Expect(use).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(page, "the bounce with one address");
        await use.ClickAsync();

        await Expect(wizard.IpAddress).ToHaveValueAsync(listedIp);
        await wizard.SubmitAsync($"postmaster-{culture}@sender.example", "203.0.113.99");
        await Expect(wizard.TextOf("NotListed_Heading", "203.0.113.99")).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(page, "the not-listed outcome");

        await wizard.IpAddress.FillAsync(listedIp);
        await wizard.SubmitButton.ClickAsync();
        await Expect(wizard.CheckEmailHeading).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(page, "the check-your-email step");
        await wizard.ResendButton.ClickAsync();
        await Expect(wizard.FixedTextOf("Resend_TooSoonFor")).ToBeVisibleAsync();
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
        var confirm = new DelistWizardPage(await portal.OpenAsync(context, link.PathAndQuery), culture);
        var delist = confirm.DelistButton;
        await Expect(delist).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(confirm.Page, "the delist step");
        await delist.ClickAsync();
        await Expect(confirm.TextOf("Delisted_Heading", listedIp)).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(confirm.Page, "the delisted outcome");

        var reference = link.Query.Split('&')[0].Split('=')[1];
        var status = new PortalPage(await portal.OpenAsync(context, $"/status/{reference}"), culture);
        await Expect(status.HeadingOf("Status_State_Delisted")).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(status.Page, "the status page");

        var reused = new PortalPage(await portal.OpenAsync(context, link.PathAndQuery), culture);
        await Expect(reused.TextOf("Delist_LinkUsed")).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(reused.Page, "a used link");

        var invalid = new PortalPage(await portal.OpenAsync(context, "/confirm?request=DL-0000-0000&token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), culture);
        await Expect(invalid.TextOf("Delist_InvalidLink")).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(invalid.Page, "an invalid link");

        foreach (var path in new[] { "/status", "/status/DL-0000-0000", "/not-found", "/error", "/no-such-page" })
        {
            var other = await portal.OpenAsync(context, path);
            await Expect(other.Locator("h1")).ToBeVisibleAsync();
            await Accessibility.AssertNoViolationsAsync(other, path);
        }
    }

    /// <summary>The check itself: without this a helper that found nothing would pass every page above.</summary>
    [Fact]
    public async Task TheCheckReportsAViolationAndSkipsWhatItIsToldTo()
    {
        await using var context = await portal.Browser.NewContextAsync("en");
        var page = await context.NewPageAsync();
        await page.SetContentAsync("""<html lang="en"><head><title>t</title></head><body><main><h1>t</h1><p id="faint" style="color:#eee;background:#fff">Faint text</p></main></body></html>""");

        var report = await Accessibility.ViolationsAsync(page);
        Assert.Contains("color-contrast", report);
        Assert.Contains("#faint", report);
        Assert.Equal("", await Accessibility.ViolationsAsync(page, "#faint"));
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
