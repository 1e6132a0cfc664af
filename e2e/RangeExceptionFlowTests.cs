using ARSoft.Tools.Net.Dns;
using DelistPortal.Admin;
using DelistPortal.Dnsbl;
using DelistPortal.EndToEnd.Support;
using DelistPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DelistPortal.EndToEnd;

/// <summary>
/// Issue 13, in real Chromium with real mail: a sender delists one address inside the listed botnet range
/// 198.51.100.0/24 (demo data). Only that address is freed: the DNSBL answers NXDOMAIN for it and still lists its
/// neighbour; the admin sees the exception in the range's row, with who and which request, and revokes it.
/// </summary>
public sealed class RangeExceptionFlowTests(PortalUnderTest portal) : IClassFixture<PortalUnderTest>
{
    private const string Sender = "postmaster@botnet-victim.example";
    private const string Password = "a long passphrase for the exception test";
    private const string Address = "198.51.100.1";
    private const string Neighbour = "198.51.100.2";
    private const string Range = "198.51.100.0/24";

    [Fact]
    public async Task ASenderFreesOneAddressOfARangeTheDnsblStillListsItsNeighbourAndTheAdminSeesAndRevokesTheException()
    {
        var dns = new DnsblClient(portal.Portal.Services.GetRequiredService<DnsblServer>().EndPoint!, tcp: false);
        Assert.Equal(ReturnCode.NoError, (await AskAsync(dns, Address)).ReturnCode);

        // 1. The sender asks for the one address and is told, before clicking, that the range stays listed.
        await using (var senderContext = await portal.Browser.NewContextAsync())
        {
            var wizard = new DelistWizardPage(await portal.OpenAsync(senderContext, $"/?ip={Address}"));
            await wizard.SubmitAsync(Sender);
            await Expect(wizard.Heading("Check your email")).ToBeVisibleAsync();
            var mail = await portal.Smtp.WaitForMessageAsync(m => m.To.ToString().Contains(Sender));
            Assert.Contains($"Confirming frees {Address} only: {Range} stays listed for every other address.", mail.TextBody);
            var confirm = new DelistWizardPage(await portal.OpenAsync(senderContext, MailLinks.ConfirmationLink(mail).PathAndQuery));
            await Expect(confirm.Page.GetByTestId("range-note")).ToContainTextAsync($"Delist IP frees {Address} only: {Range} stays listed");
            await confirm.DelistButton.ClickAsync();
            await Expect(confirm.Page.GetByText($"{Address} has been removed from the blocklist")).ToBeVisibleAsync();
            await Expect(confirm.Page.GetByTestId("excepted")).ToContainTextAsync($"Freed from {Range}: {Address}");
            await Screenshots.SaveAsync(confirm.Page, "range-exception-1-freed");
        }

        // 2. The DNSBL: the address is NXDOMAIN, its neighbour still listed as the botnet range.
        Assert.Equal(ReturnCode.NxDomain, (await AskAsync(dns, Address)).ReturnCode);
        var neighbour = await AskAsync(dns, Neighbour);
        Assert.Equal(ReturnCode.NoError, neighbour.ReturnCode);
        Assert.Equal("127.0.0.5", Assert.Single(neighbour.AnswerRecords.OfType<ARecord>()).Address.ToString());

        // 3. The admin opens the range's row and sees the exception: the address, who, when, which request.
        await portal.AddAccountAsync("alice", Password, AdminRoles.Admin);
        await using var adminContext = await portal.Browser.NewContextAsync();
        var admin = new AdminPages(await adminContext.NewPageAsync());
        await admin.SignInAsync("alice", Password, portal.RootUri);
        await admin.OpenAsync(portal.RootUri, "/admin/listings");
        var row = admin.GridRows.Filter(new() { HasText = Range });
        await Expect(row).ToHaveCountAsync(1);
        await row.Locator($"button[aria-label='Show the details of {Range}']").ClickAsync();
        var exception = admin.Page.Locator($"tr[data-exception='{Address}']");
        await Expect(exception).ToContainTextAsync("Active");
        await Expect(exception).ToContainTextAsync($"Sender: {Sender}");
        await Expect(exception).ToContainTextAsync(new System.Text.RegularExpressions.Regex("DL-[0-9A-Z]{4}-[0-9A-Z]{4}"));
        await Screenshots.SaveAsync(admin.Page, "range-exception-2-admin-row");

        // 4. The admin revokes it: the DNSBL lists the address again.
        await admin.Button($"Revoke the exception of {Address}").ClickAsync();
        var dialog = admin.Page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync($"{Range} will list {Address} again at once");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }).ClickAsync();
        await Expect(exception).ToContainTextAsync("Revoked");
        Assert.Equal(ReturnCode.NoError, (await AskAsync(dns, Address)).ReturnCode);
    }

    private static Task<DnsMessage> AskAsync(DnsblClient dns, string address) =>
        dns.AskAsync(DnsblClient.NameOf(address, "dnsbl.portal.example"));
}
