using System.Text.RegularExpressions;
using DelistPortal.EndToEnd.Support;
using DelistPortal.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DelistPortal.EndToEnd;

/// <summary>
/// The operator's day one, in real Chromium: the first admin is created through the link in the log, signs in, lists a
/// range, finds it by an address inside it; a sender removes that address through the wizard with real mail (which
/// frees the address only: the range stays listed); the admin sees it in the history, then imports a large file.
/// </summary>
public sealed partial class AdminFlowTests(PortalUnderTest portal) : IClassFixture<PortalUnderTest>
{
    private const string Password = "a long passphrase for the first admin";
    private const string Sender = "postmaster@snowshoe.example";

    [Fact]
    public async Task TheFirstAdminListsARangeFindsItByAnAddressAndSeesTheSendersDelistInTheHistory()
    {
        await using var adminContext = await portal.Browser.NewContextAsync();
        var admin = new AdminPages(await adminContext.NewPageAsync());

        // 1. No default account: the start-up log has a one-time setup link.
        var setupLink = portal.Portal.Logs.Lines.Select(l => SetupLink().Match(l)).Last(m => m.Success).Value;
        Assert.StartsWith(portal.RootUri.AbsoluteUri, setupLink);
        await admin.Page.GotoAsync(setupLink);
        await admin.UserName.FillAsync("alice");
        await admin.Page.GetByLabel("Email address").FillAsync("alice@operator.example");
        await admin.Password.FillAsync(Password);
        await Screenshots.SaveAsync(admin.Page, "admin-1-setup");
        await admin.Button("Create the admin account").ClickAsync();
        await Expect(admin.Page.GetByText("The admin account was created")).ToBeVisibleAsync();

        // 2. Sign in.
        await admin.SignInAsync("alice", Password);
        await Expect(admin.Heading("Dashboard")).ToBeVisibleAsync();
        await admin.Page.Locator("[data-interactive='true']").WaitForAsync();
        await Screenshots.SaveAsync(admin.Page, "admin-2-dashboard");

        // 3. Add a listing of a range.
        await admin.OpenAsync(portal.RootUri, "/admin/listings");
        await admin.Button("Add").ClickAsync();
        var dialog = admin.Page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("IP address or range").FillAsync("203.0.113.128/25");
        await dialog.GetByLabel("Detail").FillAsync("Snowshoe spam spread over this whole range.");
        await Screenshots.SaveAsync(admin.Page, "admin-3-add");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add listing", Exact = true }).ClickAsync();
        await Expect(admin.Page.GetByText("203.0.113.128/25 is now listed.")).ToBeVisibleAsync();

        // 4. Typing an address inside the range finds it, and only what contains that address.
        await admin.Page.GetByLabel("Search").FillAsync("203.0.113.200");
        await Expect(admin.GridRows).ToHaveCountAsync(1);
        await Expect(admin.GridRows.First).ToContainTextAsync("203.0.113.128/25");
        await Expect(admin.GridRows.First).ToContainTextAsync("Snowshoe spam");
        await Screenshots.SaveAsync(admin.Page, "admin-4-found-by-address");

        // 5. The sender removes the address through the wizard, with the link from real mail.
        await using (var senderContext = await portal.Browser.NewContextAsync())
        {
            var wizard = new DelistWizardPage(await portal.OpenAsync(senderContext, "/?ip=203.0.113.200"));
            await wizard.SubmitAsync(Sender);
            await Expect(wizard.Heading("Check your email")).ToBeVisibleAsync();
            var mail = await portal.Smtp.WaitForMessageAsync(m => m.To.ToString().Contains(Sender));
            var confirm = new DelistWizardPage(await portal.OpenAsync(senderContext, MailLinks.ConfirmationLink(mail).PathAndQuery));
            await Expect(confirm.Page.GetByText("Snowshoe spam spread over this whole range.")).ToBeVisibleAsync();
            await confirm.DelistButton.ClickAsync();
            await Expect(confirm.Page.GetByText("203.0.113.200 has been removed from the blocklist")).ToBeVisibleAsync();
        }

        // 6. The admin sees in the history that the address was freed from the range (which stays listed), and by whom.
        await admin.OpenAsync(portal.RootUri, "/admin/history");
        await admin.Page.GetByLabel("IP address or range").FillAsync("203.0.113.200");
        var freed = admin.GridRows.Filter(new() { HasText = "Address freed" });
        await Expect(freed).ToHaveCountAsync(1);
        await Expect(freed).ToContainTextAsync("203.0.113.128/25");
        await Expect(freed).ToContainTextAsync("203.0.113.200 freed");
        await Expect(freed).ToContainTextAsync($"Sender: {Sender}");
        await Expect(admin.GridRows.Filter(new() { HasText = "Delisted" })).ToHaveCountAsync(0);
        await Expect(admin.GridRows.Filter(new() { HasText = "Listed" }).Filter(new() { HasText = "Admin: alice" })).ToHaveCountAsync(1);
        await Screenshots.SaveAsync(admin.Page, "admin-5-history");

        // 7. The operator imports their list from a file larger than a web server takes in one request by default
        // (~28 MB): the browser posts it over plain HTTP, the preview counts every row, and the import lists them.
        var file = Path.Combine(portal.Portal.DataFolder, "operator-list.csv");
        var comment = new string('x', 4_000);
        await File.WriteAllLinesAsync(file,
            ["network,reason,detail,comment", .. Enumerable.Range(0, 10_000).Select(i => $"45.10.{i >> 8}.{i & 255},Spam,Imported row {i}.,{comment}")]);
        Assert.True(new FileInfo(file).Length > 40_000_000);
        await admin.OpenAsync(portal.RootUri, "/admin/import");
        await admin.ChooseFileAsync(file);
        await Expect(admin.Page.GetByText("operator-list.csv: 10,000 rows can be imported, 0 rows have errors.")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await admin.Button("Import 10,000 rows").ClickAsync();
        await Expect(admin.Page.GetByText(new Regex(@"^Import of operator-list\.csv finished: 10,000 listed"))).ToBeVisibleAsync(new() { Timeout = 60_000 });
    }

    [GeneratedRegex(@"https?://\S+/admin/setup\?token=[A-Za-z0-9_-]+")]
    private static partial Regex SetupLink();
}
