using System.Net;
using DelistPortal.Admin;
using DelistPortal.Blocklist.Index;
using DelistPortal.Data;
using DelistPortal.EndToEnd.Support;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DelistPortal.EndToEnd;

/// <summary>
/// The sender's whole flow and the admin grid in real Chromium, on a portal host whose database is PostgreSQL: the
/// host created, migrated and seeded a new database on start; mail arrives over real SMTP.
/// </summary>
public sealed class PostgreSqlHostFlowTests(PostgreSqlPortalUnderTest portal) : IClassFixture<PostgreSqlPortalUnderTest>
{
    private const string Sender = "postmaster@sender.example";
    private const string Password = "a long passphrase for the admin on postgresql";

    [Fact]
    public async Task ASenderDelistsAndTheAdminFindsListingsAndHistoryInTheGridsOnPostgreSql()
    {
        await using (var db = await portal.Portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            Assert.IsType<PostgreSqlPortalDbContext>(db);
        }

        // The sender: request, the mailed link on a new circuit, Delist IP; afterwards the address is not listed.
        await using (var senderContext = await portal.Browser.NewContextAsync())
        {
            var wizard = new DelistWizardPage(await portal.OpenAsync(senderContext, "/?ip=203.0.113.7"));
            await wizard.SubmitAsync(Sender);
            // The browser solves the proof of work first: seconds on a loaded 2-core machine.
            await Expect(wizard.Heading("Check your email")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            var mail = await portal.Smtp.WaitForMessageAsync(m => m.To.ToString().Contains(Sender));
            var confirm = new DelistWizardPage(await portal.OpenAsync(senderContext, MailLinks.ConfirmationLink(mail).PathAndQuery));
            await Expect(confirm.Page.GetByText("Bulk unsolicited mail")).ToBeVisibleAsync();
            await confirm.DelistButton.ClickAsync();
            await Expect(confirm.Page.GetByText("203.0.113.7 has been removed from the blocklist")).ToBeVisibleAsync();
            Assert.False(portal.Portal.Services.GetRequiredService<BlocklistIndex>().TryFindMostSpecific(IPAddress.Parse("203.0.113.7"), out _));

            var again = new DelistWizardPage(await portal.OpenAsync(senderContext, "/"));
            await again.SubmitAsync(Sender, "203.0.113.7");
            await Expect(again.Page.GetByText("203.0.113.7 is not on our blocklist")).ToBeVisibleAsync();
        }

        // The admin grid: the seeded listings, a new range found by an address inside it and by a word of its detail
        // (pg_trgm), and the sender's delist in the history.
        await portal.AddAccountAsync("alice", Password, AdminRoles.Admin);
        await using var adminContext = await portal.Browser.NewContextAsync();
        var admin = new AdminPages(await adminContext.NewPageAsync());
        await admin.SignInAsync("alice", Password, portal.RootUri);
        await admin.OpenAsync(portal.RootUri, "/admin/listings");
        await Expect(admin.GridRows.Filter(new() { HasText = "198.51.100.0/24" })).ToHaveCountAsync(1);

        await admin.Button("Add").ClickAsync();
        var dialog = admin.Page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("IP address or range").FillAsync("203.0.113.128/25");
        await dialog.GetByLabel("Detail").FillAsync("Snowshoe spam spread over this whole range.");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add listing", Exact = true }).ClickAsync();
        await Expect(admin.Page.GetByText("203.0.113.128/25 is now listed.")).ToBeVisibleAsync();

        var search = admin.Page.GetByLabel("Search");
        await search.FillAsync("203.0.113.200");
        await Expect(admin.GridRows).ToHaveCountAsync(1);
        await Expect(admin.GridRows.First).ToContainTextAsync("203.0.113.128/25");
        await search.FillAsync("snowshoe");
        await Expect(admin.GridRows).ToHaveCountAsync(1);
        await Expect(admin.GridRows.First).ToContainTextAsync("Snowshoe spam spread");

        await admin.OpenAsync(portal.RootUri, "/admin/history");
        await admin.Page.GetByLabel("IP address or range").FillAsync("203.0.113.7");
        var delisted = admin.GridRows.Filter(new() { HasText = "Delisted" });
        await Expect(delisted).ToHaveCountAsync(1);
        await Expect(delisted).ToContainTextAsync($"Sender: {Sender}");
    }
}
