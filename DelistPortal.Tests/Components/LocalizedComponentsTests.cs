using System.Globalization;
using Bunit;
using DelistPortal.Components.Layout;
using DelistPortal.Components.Pages.Delist;
using DelistPortal.Components.Pages.Status;
using DelistPortal.Delisting;
using DelistPortal.Tests.Resources;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Components;

/// <summary>The language switch, the bounce paste and the status page, in English and in French.</summary>
public sealed class LocalizedComponentsTests : PortalComponentTest, IDisposable
{
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

    void IDisposable.Dispose() => (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (_culture, _uiCulture);

    private static void Speak(string culture) =>
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);

    [Fact]
    public void TheLanguageSwitchComesBackToThisPageAndMarksTheCurrentLanguage()
    {
        Speak("fr-FR");
        Services.GetRequiredService<NavigationManager>().NavigateTo("/status/DL-1234-5678");

        var links = Render<LanguageSwitch>().FindAll("a");

        Assert.Equal(["/culture?culture=en&returnUrl=%2Fstatus%2FDL-1234-5678", "/culture?culture=fr&returnUrl=%2Fstatus%2FDL-1234-5678"],
            links.Select(a => a.GetAttribute("href")));
        Assert.Null(links[0].GetAttribute("aria-current"));
        Assert.Equal("true", links[1].GetAttribute("aria-current"));
        Assert.Equal("EN, English", links[0].TextContent);
        Assert.Equal("FR, Français", links[1].TextContent);
    }

    [Fact]
    public async Task APastedBounceFillsTheIpOnlyAfterTheSenderConfirms()
    {
        var wizard = Render<DelistWizard>();
        await wizard.FindAll("button").Single(b => b.TextContent.Trim() == "Paste the bounce message instead").ClickAsync(new());

        wizard.Find("textarea").Change("550 5.7.606 Access denied, banned sending IP [203.0.113.7]; visit https://delist.example.net/?ip=203.0.113.7");
        await wizard.FindAll("button").Single(b => b.TextContent.Trim() == "Find the IP address").ClickAsync(new());

        wizard.WaitForAssertion(() => Assert.Contains("The message names the IP address 203.0.113.7.", wizard.Markup));
        Assert.Equal("", IpField(wizard).GetAttribute("value") ?? "");
        await wizard.FindAll("button").Single(b => b.TextContent.Trim() == "Use 203.0.113.7").ClickAsync(new());
        wizard.WaitForAssertion(() => Assert.Equal("203.0.113.7", IpField(wizard).GetAttribute("value")));
    }

    [Fact]
    public async Task TwoAddressesInABounceAreOfferedBothInFrench()
    {
        Speak("fr-FR");
        var wizard = Render<DelistWizard>();
        await wizard.FindAll("button").Single(b => b.TextContent.Trim() == "Ou collez le message de rejet").ClickAsync(new());

        wizard.Find("textarea").Change("banned sending IP [203.0.113.7] from [198.51.100.20]");
        await wizard.FindAll("button").Single(b => b.TextContent.Trim() == "Trouver l'adresse IP").ClickAsync(new());

        wizard.WaitForAssertion(() => Assert.Contains("Le message mentionne 2 adresses IP publiques différentes.", wizard.Markup));
        Assert.Contains(wizard.FindAll("button"), b => b.TextContent.Trim() == "Utiliser 198.51.100.20");
        StringsTests.AssertNoRawKey(wizard.Markup);
    }

    [Theory]
    [InlineData("en", DelistRequestState.AwaitingConfirmation, "Waiting for confirmation")]
    [InlineData("fr", DelistRequestState.AwaitingConfirmation, "En attente de confirmation")]
    [InlineData("en", DelistRequestState.Delisted, "Delisted")]
    [InlineData("fr", DelistRequestState.Delisted, "Retirée de la liste")]
    [InlineData("en", DelistRequestState.NoLongerListed, "Nothing left to remove")]
    [InlineData("fr", DelistRequestState.Expired, "Expirée")]
    [InlineData("en", DelistRequestState.InReview, "Sent to review")]
    [InlineData("fr", DelistRequestState.InReview, "Transmise pour examen")]
    [InlineData("en", DelistRequestState.Denied, "Denied")]
    [InlineData("fr", DelistRequestState.Denied, "Refusée")]
    public async Task TheStatusPageShowsTheStateWithoutTheEmailAddress(string culture, DelistRequestState state, string heading)
    {
        await Harness.ListAsync("203.0.113.7");
        var reference = (await Harness.SubmitAsync("postmaster@sender.example", "203.0.113.7", null)).Request!.Reference;
        await using (var db = Harness.Database.CreateDbContext())
        {
            (await db.DelistRequests.SingleAsync()).State = state;
            await db.SaveChangesAsync();
        }
        Speak(culture);

        var page = Render<RequestStatusPage>(p => p.Add(c => c.Reference, reference));

        page.WaitForAssertion(() => Assert.Equal(heading, page.Find("h2").TextContent.Trim()));
        Assert.Contains("203.0.113.7", page.Markup);
        Assert.DoesNotContain("postmaster@sender.example", page.Markup);
        Assert.Contains("UTC", page.Markup);
        StringsTests.AssertNoRawKey(page.Markup);
    }

    [Fact]
    public async Task TheWizardStepsInFrenchShowNoRawKeyAndLinkTheReference()
    {
        Speak("fr-FR");
        await Harness.ListAsync("203.0.113.7");
        var wizard = Render<DelistWizard>();
        wizard.FindAll("input").Single(i => i.GetAttribute("type") == "email").Input("postmaster@sender.example");
        IpField(wizard).Input("203.0.113.7");
        await wizard.Find("form").SubmitAsync();

        wizard.WaitForAssertion(() => Assert.Contains("Consultez vos e-mails", wizard.Find("h2").TextContent));
        var reference = (await Harness.LastLinkAsync()).Reference;
        Assert.Equal($"/status/{reference}", wizard.Find("a.reference-link").GetAttribute("href"));
        StringsTests.AssertNoRawKey(wizard.Markup);

        var (_, token) = await Harness.LastLinkAsync();
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/confirm?request={reference}&token={token}");
        var confirm = Render<DelistWizard>();
        confirm.WaitForAssertion(() => Assert.Contains(confirm.FindAll("button"), b => b.TextContent.Trim() == "Retirer l'IP"));
        StringsTests.AssertNoRawKey(confirm.Markup);
        await confirm.FindAll("button").Single(b => b.TextContent.Trim() == "Retirer l'IP").ClickAsync(new());
        confirm.WaitForAssertion(() => Assert.Contains("203.0.113.7 a été retirée de la liste de blocage", confirm.Markup));
        StringsTests.AssertNoRawKey(confirm.Markup);
    }

    [Theory]
    [InlineData("en", "198.51.100.1, from 198.51.100.0/24 (the range stays listed for every other address)")]
    [InlineData("fr", "198.51.100.1, de 198.51.100.0/24 (la plage reste listée pour toutes ses autres adresses)")]
    public async Task TheStatusPageSaysWhichAddressWasFreedFromWhichRange(string culture, string freed)
    {
        await Harness.ListAsync("198.51.100.0", 24);
        var reference = (await Harness.SubmitAsync("postmaster@sender.example", "198.51.100.1", null)).Request!.Reference;
        var (_, token) = await Harness.LastLinkAsync();
        await Harness.Service.DelistAsync(reference, token, null);
        Speak(culture);

        var page = Render<RequestStatusPage>(p => p.Add(c => c.Reference, reference));

        page.WaitForAssertion(() => Assert.Equal(freed, page.Find("[data-testid=excepted]").TextContent.Trim()));
        Assert.DoesNotContain("<dt>Removed</dt>", page.Markup);
        StringsTests.AssertNoRawKey(page.Markup);
    }

    private static AngleSharp.Dom.IElement IpField(IRenderedComponent<DelistWizard> wizard) =>
        wizard.FindAll("input").Single(i => wizard.Find($"label[for='{i.Id}']").TextContent.Trim() is "IP address" or "Adresse IP");
}
