using DelistPortal.Delisting;
using System.Globalization;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Delisting;

/// <summary>The confirmation mail is written in the language the sender used, whoever sends it and whenever.</summary>
public sealed class ConfirmationMailCultureTests : IDisposable
{
    private readonly DelistingHarness _harness = new();
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

    public void Dispose()
    {
        (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (_culture, _uiCulture);
        _harness.Dispose();
    }

    private static void Speak(string culture) =>
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);

    [Fact]
    public async Task AFrenchRequestGetsAFrenchMailAndKeepsItsLanguageForResend()
    {
        await _harness.ListAsync("203.0.113.7");
        Speak("fr-FR");
        var submitted = await _harness.SubmitAsync("postmaster@sender.example", "203.0.113.7", null);

        // The outbox sends later, from a thread that speaks English: the request's language still wins.
        Speak("en-US");
        await _harness.DeliverMailAsync();
        _harness.Clock.Advance(TimeSpan.FromMinutes(2));
        await _harness.Service.ResendAsync(submitted.Request!.Reference);

        Assert.Equal(2, (await _harness.SentMailAsync()).Count);
        foreach (var mail in await _harness.SentMailAsync())
        {
            Assert.Equal("Confirmez le retrait de 203.0.113.7 de la liste de blocage", mail.Subject);
            Assert.Contains("Quelqu'un, sans doute vous", mail.TextBody);
            Assert.Contains("novembre 2026", mail.TextBody);
            Assert.Contains("<html lang=\"fr\">", mail.HtmlBody);
            Assert.Contains("Ouvrir la page de retrait", mail.HtmlBody);
            Assert.Equal("fr", mail.Body!.Headers["Content-Language"]);
        }
        await using var db = _harness.Database.CreateDbContext();
        Assert.Equal("fr", (await db.DelistRequests.SingleAsync()).Culture);
        // Sending in French did not leave the caller in French.
        Assert.Equal("en-US", CultureInfo.CurrentUICulture.Name);
    }

    [Theory]
    [InlineData("en-GB")]
    [InlineData("de-DE")]
    public async Task OtherLanguagesGetTheEnglishMail(string culture)
    {
        await _harness.ListAsync("203.0.113.7");
        Speak(culture);

        await _harness.SubmitAsync("postmaster@sender.example", "203.0.113.7", null);

        var mail = Assert.Single(await _harness.SentMailAsync());
        Assert.Equal("Confirm the removal of 203.0.113.7 from the blocklist", mail.Subject);
        Assert.Contains("<html lang=\"en\">", mail.HtmlBody);
    }
}
