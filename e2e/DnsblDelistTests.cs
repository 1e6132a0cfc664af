using System.Diagnostics;
using ARSoft.Tools.Net.Dns;
using DelistPortal.Dnsbl;
using DelistPortal.EndToEnd.Support;
using DelistPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace DelistPortal.EndToEnd;

/// <summary>A sender's delist in real Chromium reaches the DNSBL that mail servers query within seconds, not the day big providers quote.</summary>
public sealed class DnsblDelistTests(PortalUnderTest portal, ITestOutputHelper output) : IClassFixture<PortalUnderTest>
{
    private const string Email = "postmaster@traps.example";
    private const string Address = "203.0.113.25";

    [Fact]
    public async Task TheDnsblAnswersNxDomainWithinSecondsOfTheDelistClick()
    {
        var dns = new DnsblClient(portal.Portal.Services.GetRequiredService<DnsblServer>().EndPoint!, tcp: false);
        var name = DnsblClient.NameOf(Address, "dnsbl.portal.example");
        var before = await dns.AskAsync(name, RecordType.Txt);
        Assert.Contains($"[{Address}]", Assert.Single(before.AnswerRecords.OfType<TxtRecord>()).TextData);
        Assert.Contains($"{portal.RootUri.AbsoluteUri}?ip={Address}", before.AnswerRecords.OfType<TxtRecord>().Single().TextData);

        await using var context = await portal.Browser.NewContextAsync();
        var wizard = new DelistWizardPage(await portal.OpenAsync(context, $"/?ip={Address}"));
        await wizard.SubmitAsync(Email);
        var mail = await portal.Smtp.WaitForMessageAsync(m => m.To.ToString().Contains(Email));
        var confirm = new DelistWizardPage(await portal.OpenAsync(context, MailLinks.ConfirmationLink(mail).PathAndQuery));
        await Expect(confirm.DelistButton).ToBeVisibleAsync();

        var clicked = Stopwatch.StartNew();
        await confirm.DelistButton.ClickAsync();
        ReturnCode answer;
        do
        {
            answer = (await dns.AskAsync(name)).ReturnCode;
        }
        while (answer != ReturnCode.NxDomain && clicked.Elapsed < TimeSpan.FromSeconds(5));
        var elapsed = clicked.Elapsed;
        output.WriteLine($"Delist click to NXDOMAIN: {elapsed.TotalMilliseconds:0} ms");

        Assert.Equal(ReturnCode.NxDomain, answer);
        // The promise is seconds. How fast it is belongs to the benchmarks (docs/benchmarks-admin.md: a delist click to
        // NXDOMAIN in 74 / 91 ms at p50 / p95 with a million listings); here, the first delist of a new process on a
        // loaded CI machine has taken 1,023 ms, so a bound of one second failed a working portal.
        Assert.True(elapsed < TimeSpan.FromSeconds(3), $"The DNSBL answered NXDOMAIN {elapsed.TotalMilliseconds:0} ms after the click.");
        await Expect(confirm.Page.GetByText($"{Address} has been removed from the blocklist")).ToBeVisibleAsync();
    }
}
