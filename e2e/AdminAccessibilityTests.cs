using System.Net;
using System.Text.RegularExpressions;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Delisting;
using DelistPortal.EndToEnd.Support;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DelistPortal.EndToEnd;

/// <summary>
/// Every admin page and dialog, with data in it, at 1280 px and on a 360 px phone, in both languages: axe-core at
/// WCAG 2.2 AA finds nothing, no page scrolls sideways, and (at 360 px) a screenshot of each is saved in
/// artifacts/e2e/admin-phone. One browser context per language and width, signed in once.
/// </summary>
public sealed partial class AdminAccessibilityTests(PortalUnderTest portal) : IClassFixture<PortalUnderTest>, IAsyncLifetime
{
    private const string Password = "a long passphrase for the axe test";
    private const string NoSelfService = "203.0.113.240";
    private string _csv = "";

    public async Task InitializeAsync()
    {
        _csv = Path.Combine(portal.Portal.DataFolder, "axe-import.csv");
        // One row the preview explains (host bits set), two it would import.
        await File.WriteAllTextAsync(_csv, "network,reason,detail\n198.51.100.7/24,Spam,Host bits\n203.0.113.241,Spam,Seen by a sensor\n2001:db8:bad:1::/64,Policy,Dynamic pool\n");
        if (!await portal.AddAccountAsync("ada", Password, AdminRoles.Admin))
        {
            return;
        }
        await portal.AddAccountAsync("vic", Password, AdminRoles.Viewer);
        var blocklist = portal.Portal.Services.GetRequiredService<BlocklistService>();
        foreach (var (network, selfService) in new[] { ("198.51.100.0/26", true), (NoSelfService, false) })
        {
            var draft = new ListingDraft(IpNetworkInput.Parse(network).Network!.Value, ListingReason.SpamTrap, "Hits on three spam traps.", ListingSource.Admin)
            {
                ExpiresAt = DateTimeOffset.UtcNow.AddDays(7),
                SelfServiceAllowed = selfService,
            };
            Assert.True((await blocklist.ListAsync(draft, Actor.Admin("ada"), IPAddress.Loopback.ToString())).Succeeded);
        }
        // A request in review, so the review panel is checked too.
        const string sender = "postmaster@review.example";
        var submitted = await portal.Portal.Services.SubmitSolvedAsync(sender, NoSelfService, "198.51.100.250");
        Assert.Equal(SubmitOutcome.ConfirmationSent, submitted.Outcome);
        var mail = await portal.Smtp.WaitForMessageAsync(m => m.To.ToString().Contains(sender));
        var token = Regex.Match(MailLinks.ConfirmationLink(mail).Query, "token=([^&]+)").Groups[1].Value;
        using var scope = portal.Portal.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<DelistService>().DelistAsync(submitted.Request!.Reference, token, "198.51.100.250");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("en", 1280)]
    [InlineData("fr", 1280)]
    [InlineData("en", 360)]
    [InlineData("fr", 360)]
    public async Task EveryAdminPageAndDialogHasNoViolationsAndFitsTheScreen(string culture, int width)
    {
        var phone = width < 600;
        await using var context = await portal.Browser.NewContextAsync(culture, phone ? Cultures.Phone : new ViewportSize { Width = width, Height = 800 });
        var admin = new AdminPages(await context.NewPageAsync(), culture);
        var page = admin.Page;
        var problems = new List<string>();

        async Task CheckAsync(string name)
        {
            var where = $"{culture} {width} px: {name}";
            var report = await Accessibility.ViolationsAsync(page);
            if (report.Length > 0)
            {
                problems.Add($"{where}:\n{report}");
            }
            // Against the width asked for: a phone browser zooms out to show a wider page, which widens innerWidth too.
            var pageWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            if (pageWidth > width)
            {
                problems.Add($"{where}: the page is {pageWidth} px wide on a {width} px screen");
            }
            if (phone)
            {
                await Screenshots.SaveAsync(page, $"admin-phone/{culture}-{name}");
            }
        }

        // Every dialog closes with Escape (and is checked to).
        async Task CloseDialogAsync()
        {
            await page.Keyboard.PressAsync("Escape");
            await Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        }

        await page.GotoAsync(new Uri(portal.RootUri, "/admin/signin").AbsoluteUri);
        // Sign-in is a plain form (static rendering: it sets the cookie), so there is no circuit to wait for.
        await Expect(page.Locator("h1")).ToBeVisibleAsync();
        await CheckAsync("signin");
        await admin.SignInAsync("ada", Password, portal.RootUri);

        foreach (var (path, name) in new[] { ("/admin", "dashboard"), ("/admin/history", "history"), ("/admin/users", "users"), ("/admin/api-keys", "api-keys") })
        {
            await admin.OpenAsync(portal.RootUri, path);
            await Expect(page.Locator("h1")).ToBeVisibleAsync();
            if (path == "/admin/history")
            {
                await Expect(admin.GridRows.First).ToBeVisibleAsync();
            }
            await CheckAsync(name);
        }

        // The menu: on a phone it is closed and opens from the top bar's button.
        if (phone)
        {
            var menu = admin.MenuButton;
            if (await menu.CountAsync() == 0)
            {
                problems.Add($"{culture} {width} px: no menu button");
            }
            else
            {
                await menu.ClickAsync();
                await Expect(admin.LinkOf("Admin_Nav_ApiKeys")).ToBeVisibleAsync();
                await CheckAsync("menu");
            }
        }

        // Accounts: the confirmation before removing an account.
        await admin.OpenAsync(portal.RootUri, "/admin/users");
        await admin.RemoveAccountButton("vic").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
        await CheckAsync("users-remove-dialog");
        await CloseDialogAsync();

        await admin.OpenAsync(portal.RootUri, "/admin/listings");
        var row = admin.GridRows.Filter(new() { HasText = "198.51.100.0/26" });
        await Expect(row).ToHaveCountAsync(1);
        await CheckAsync("listings");
        await row.Locator("td.listing-expander button[aria-expanded='false']").ClickAsync();
        await Expect(page.GetByText("Hits on three spam traps.").First).ToBeVisibleAsync();
        await CheckAsync("listings-row-details");

        await admin.AddListingButton.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
        await CheckAsync("listings-add-dialog");
        await CloseDialogAsync();
        await admin.EditListingButton("198.51.100.0/26").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
        await CheckAsync("listings-edit-dialog");
        await CloseDialogAsync();
        await admin.DelistListingButton("198.51.100.0/26").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
        await CheckAsync("listings-delist-dialog");
        await CloseDialogAsync();

        await admin.OpenAsync(portal.RootUri, "/admin/requests");
        var request = admin.GridRows.Filter(new() { HasText = NoSelfService });
        await Expect(request).ToHaveCountAsync(1);
        await CheckAsync("requests");
        await request.GetByRole(AriaRole.Button).First.ClickAsync();
        await Expect(admin.ApproveButton).ToBeVisibleAsync();
        await CheckAsync("requests-review");

        await admin.OpenAsync(portal.RootUri, "/admin/import");
        await admin.ChooseFileAsync(_csv);
        await Expect(admin.ButtonOf("Import_Button", 2)).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await CheckAsync("import-preview");

        Assert.True(problems.Count == 0, string.Join("\n\n", problems));
    }
}
