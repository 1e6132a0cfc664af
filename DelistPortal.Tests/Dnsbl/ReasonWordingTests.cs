using System.Globalization;
using System.Resources;
using DelistPortal.Blocklist;
using DelistPortal.Dnsbl;
using DelistPortal.Resources;
using DelistPortal.Tests.Support;

namespace DelistPortal.Tests.Dnsbl;

/// <summary>A reason reads the same in the DNSBL's TXT record (the SMTP rejection a sender sees) as on the portal's pages.</summary>
public sealed class ReasonWordingTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = new(smtpPort: null);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Theory]
    [InlineData(ListingReason.Manual, "listed by the operator")]
    [InlineData(ListingReason.SpamTrap, "mail to spam traps")]
    [InlineData(ListingReason.Policy, "policy: not a direct mail sender")]
    public void TheTxtRecordSaysTheReasonAsThePageDoes(ListingReason reason, string txt)
    {
        var page = new ResourceManager(typeof(Strings)).GetString($"Reason_{reason}", CultureInfo.InvariantCulture)!;

        Assert.Equal(txt, DnsblZone.Describe(reason));
        Assert.Equal(txt, char.ToLowerInvariant(page[0]) + page[1..]);
    }

    [Fact]
    public void EveryReasonHasPrintableAsciiWordsForTheTxtRecord() =>
        Assert.All(Enum.GetValues<ListingReason>(), reason => Assert.Matches("^[ -~]+$", DnsblZone.Describe(reason)));

    [Fact]
    public async Task EveryPageHasAnIconSoBrowsersDoNotAskForAMissingOne()
    {
        var client = _portal.CreateClient();

        var icon = await client.GetAsync("/favicon.ico");
        var home = await client.GetStringAsync("/");

        Assert.True(icon.IsSuccessStatusCode, $"/favicon.ico answered {(int)icon.StatusCode}");
        Assert.Contains("rel=\"icon\"", home);
    }
}
