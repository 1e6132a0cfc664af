using Microsoft.Playwright;

namespace DelistPortal.EndToEnd.Support;

/// <summary>Browser contexts that speak a language (Accept-Language and navigator.language), optionally on a phone-sized screen.</summary>
public static class Cultures
{
    public static readonly ViewportSize Phone = new() { Width = 360, Height = 740 };

    public static Task<IBrowserContext> NewContextAsync(this IBrowser browser, string culture, ViewportSize? viewport = null) =>
        browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = culture == "fr" ? "fr-FR" : "en-US",
            ViewportSize = viewport,
            IsMobile = viewport is not null,
            HasTouch = viewport is not null,
        });
}
