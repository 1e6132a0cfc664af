using System.Net;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.EndToEnd.Support;
using DelistPortal.Portal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DelistPortal.EndToEnd;

/// <summary>
/// The blocklist grid on a common laptop screen (1280 × 800), in both languages, with long details: every column fits
/// without a sideways scrollbar, and what is left out of the row is in its details.
/// </summary>
public sealed class AdminGridWidthTests(PortalUnderTest portal) : IClassFixture<PortalUnderTest>, IAsyncLifetime
{
    private const string Password = "a long passphrase for the grid test";
    private static readonly ViewportSize Laptop = new() { Width = 1280, Height = 800 };

    public async Task InitializeAsync()
    {
        // Once per portal (the fixture is shared by the test cases).
        if (!await portal.AddAccountAsync("grace", Password, AdminRoles.Admin))
        {
            return;
        }
        var blocklist = portal.Portal.Services.GetRequiredService<BlocklistService>();
        var now = DateTimeOffset.UtcNow;
        var details = new[]
        {
            string.Join(' ', Enumerable.Repeat("Snowshoe spam spread thinly over the whole range, rotating HELO names every hour;", 12)),
            "Phishing kit at https://login-secure-account-verification.example/" + new string('x', 180) + "/index.php?session=" + new string('7', 60),
            "Open relay: accepted mail for spamtrap-0123456789@traps.example from a null sender, then relayed it onwards.",
        };
        var networks = new[] { "2001:db8:bad:beef:cafe:f00d:1234:5678/128", "203.0.113.128/25", "203.0.113.77" };
        for (var i = 0; i < networks.Length; i++)
        {
            var network = IpNetworkInput.Parse(networks[i]).Network!.Value;
            var draft = new ListingDraft(network, i == 2 ? ListingReason.OpenRelayOrProxy : ListingReason.Phishing, details[i], ListingSource.Admin)
            {
                ExpiresAt = i == 0 ? null : now.AddDays(30),
                Permanent = i == 0,
            };
            var result = await blocklist.ListAsync(draft, Actor.Admin("grace"), IPAddress.Loopback.ToString());
            Assert.True(result.Succeeded, $"{networks[i]}: {result.Outcome} {result.Error}");
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("en", "Source", "Admin")]
    [InlineData("fr", "Origine", "Admin")]
    public async Task TheGridFitsA1280PixelScreenWithoutScrollingSideways(string culture, string sourceLabel, string source)
    {
        await using var context = await portal.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = culture == "fr" ? "fr-FR" : "en-US",
            ViewportSize = Laptop,
        });
        var admin = new AdminPages(await context.NewPageAsync(), culture);
        await admin.SignInAsync("grace", Password, portal.RootUri);

        await admin.OpenAsync(portal.RootUri, "/admin/listings");
        // The development portal's demo listings are there too: at least ours, each with its long detail.
        await Expect(admin.GridRows.Filter(new() { HasText = "203.0.113.128/25" })).ToHaveCountAsync(1);
        await Expect(admin.GridRows.Filter(new() { HasText = "2001:db8:bad:beef:cafe:f00d:1234:5678" })).ToHaveCountAsync(1);
        await Screenshots.SaveAsync(admin.Page, $"admin-grid-1280-{culture}");

        Assert.Equal(0, await admin.GridOverflowAsync());
        var page = await admin.Page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        Assert.True(page[0] <= page[1], $"The page is {page[0]} px wide in a {page[1]} px window");

        // What the row leaves out (the source, how often listed, the whole detail) is in the row's details.
        var row = admin.GridRows.Filter(new() { HasText = "203.0.113.128/25" });
        // The row's expander (its name is in the page's language).
        await row.Locator("td.listing-expander button[aria-expanded='false']").ClickAsync();
        var details = admin.Page.Locator("[data-testid=listing-details]");
        await Expect(details).ToContainTextAsync(sourceLabel);
        await Expect(details).ToContainTextAsync(source);
        await Expect(details).ToContainTextAsync("index.php?session=" + new string('7', 60));
        Assert.Equal(0, await admin.GridOverflowAsync());
        await Screenshots.SaveAsync(admin.Page, $"admin-grid-1280-{culture}-details");
    }
}
