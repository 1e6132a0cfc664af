using System.Net;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.EndToEnd.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DelistPortal.EndToEnd;

/// <summary>
/// axe-core at WCAG 2.2 AA on every admin page, with data in it, in both languages: the sign-in page, the dashboard,
/// the grid with a row opened and the add dialog, requests, history, import, accounts and API keys.
/// </summary>
public sealed class AdminAccessibilityTests(PortalUnderTest portal) : IClassFixture<PortalUnderTest>, IAsyncLifetime
{
    private const string Password = "a long passphrase for the axe test";

    public async Task InitializeAsync()
    {
        if (!await portal.AddAccountAsync("ada", Password, AdminRoles.Admin))
        {
            return;
        }
        await portal.AddAccountAsync("vic", Password, AdminRoles.Viewer);
        var blocklist = portal.Portal.Services.GetRequiredService<BlocklistService>();
        var draft = new ListingDraft(IpNetworkInput.Parse("198.51.100.0/26").Network!.Value, ListingReason.SpamTrap, "Hits on three spam traps.", ListingSource.Admin)
        {
            ExpiresAt = DateTimeOffset.UtcNow.AddDays(7),
        };
        Assert.True((await blocklist.ListAsync(draft, Actor.Admin("ada"), IPAddress.Loopback.ToString())).Succeeded);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("en")]
    [InlineData("fr")]
    public async Task EveryAdminPageHasNoViolations(string culture)
    {
        string T(string en, string fr) => culture == "fr" ? fr : en;
        await using var context = await portal.Browser.NewContextAsync(culture);
        var admin = new AdminPages(await context.NewPageAsync());

        await admin.Page.GotoAsync(new Uri(portal.RootUri, "/admin/signin").AbsoluteUri);
        // Sign-in is a plain form (static rendering: it sets the cookie), so there is no circuit to wait for.
        await Expect(admin.Page.Locator("h1")).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(admin.Page, "the sign-in page");
        await admin.SignInAsync("ada", Password, culture, portal.RootUri);

        foreach (var path in new[] { "/admin", "/admin/requests", "/admin/history", "/admin/import", "/admin/users", "/admin/api-keys" })
        {
            await admin.OpenAsync(portal.RootUri, path);
            await Expect(admin.Page.Locator("h1")).ToBeVisibleAsync();
            await Accessibility.AssertNoViolationsAsync(admin.Page, path);
        }

        await admin.OpenAsync(portal.RootUri, "/admin/listings");
        await Expect(admin.GridRows.Filter(new() { HasText = "198.51.100.0/26" })).ToHaveCountAsync(1);
        await admin.GridRows.Filter(new() { HasText = "198.51.100.0/26" }).Locator("td.listing-expander button[aria-expanded='false']").ClickAsync();
        await Expect(admin.Page.GetByText("Hits on three spam traps.").First).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(admin.Page, "the grid with a row opened");

        await admin.Button(T("Add", "Ajouter")).ClickAsync();
        await Expect(admin.Page.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(admin.Page, "the add dialog");
    }
}
