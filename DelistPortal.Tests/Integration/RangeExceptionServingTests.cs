using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ARSoft.Tools.Net.Dns;
using DelistPortal.Api;
using DelistPortal.Delisting;
using DelistPortal.Dnsbl;
using DelistPortal.Tests.Support;

namespace DelistPortal.Tests.Integration;

/// <summary>
/// The real app with real mail: senders free one address of the demo IPv4 range and one /64 of the demo IPv6 range.
/// The built-in DNSBL, the lookup API and the rbldnsd export served by a REAL rbldnsd all answer alike: the excepted
/// addresses are NXDOMAIN (not listed), their neighbours listed with the range's code.
/// </summary>
public sealed class RangeExceptionServingTests : IAsyncLifetime
{
    private const string Zone = "dnsbl.portal.example";
    private SmtpReceiver _smtp = null!;
    private PortalFactory _portal = null!;

    public async Task InitializeAsync()
    {
        _smtp = await SmtpReceiver.StartNewAsync();
        _portal = new PortalFactory(_smtp.Port, new Dictionary<string, string?> { ["Outbox:PollInterval"] = "00:00:00.100" });
    }

    public async Task DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    /// <summary>A sender's whole request: submit (with a solved proof of work), the link from the mail, the Delist click.</summary>
    private async Task<ConfirmationView> FreeAsync(string email, string address)
    {
        Assert.Equal(SubmitOutcome.ConfirmationSent, (await _portal.Services.SubmitSolvedAsync(email, address, "192.0.2.200")).Outcome);
        var mail = await _smtp.WaitForMessageAsync(m => m.To.ToString().Contains(email));
        var query = System.Web.HttpUtility.ParseQueryString(MailLinks.ConfirmationLink(mail).Query);
        using var scope = _portal.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<DelistService>().DelistAsync(query["request"], query["token"], "192.0.2.200");
    }

    public static TheoryData<string, string?> Expected => new()
    {
        { "198.51.100.1", null },
        { "198.51.100.2", "127.0.0.5" },
        { "198.51.100.0", "127.0.0.5" },
        { "198.51.100.255", "127.0.0.5" },
        { "198.51.101.1", null },
        { "2001:db8:bad:1::25", null },
        { "2001:db8:bad:1:ffff:ffff:ffff:ffff", null },
        { "2001:db8:bad:2::25", "127.0.0.10" },
        { "2001:db8:bad::1", "127.0.0.10" },
        { "203.0.113.7", "127.0.0.2" },
    };

    [Fact]
    public async Task TheBuiltInDnsblTheApiAndARealRbldnsdServingTheExportAgreeOnExceptions()
    {
        Assert.Equal("198.51.100.1", (await FreeAsync("a@sender.example", "198.51.100.1")).ExceptedNetwork);
        Assert.Equal("2001:db8:bad:1::/64", (await FreeAsync("b@sender.example", "2001:db8:bad:1::25")).ExceptedNetwork);

        using var http = _portal.CreateClient();
        var key = (await _portal.Services.GetRequiredService<ApiKeyService>().CreateAsync("secondary", [ApiScopes.ZoneRead])).Secret;
        var ip4set = await ZoneAsync(http, key, "ip4set");
        var ip6trie = await ZoneAsync(http, key, "ip6trie");
        Assert.Contains("!198.51.100.1", ip4set.Split('\n'));
        Assert.Contains("!2001:db8:bad:1::/64", ip6trie.Split('\n'));

        await using var rbldnsd = await Rbldnsd.StartAsync(Zone, ip4set, ip6trie);
        var secondary = new DnsblClient(rbldnsd.EndPoint, tcp: false);
        var builtIn = new DnsblClient(_portal.Services.GetRequiredService<DnsblServer>().EndPoint!, tcp: false);

        foreach (var (address, code) in Expected.Select(row => ((string)row[0], (string?)row[1])))
        {
            Assert.Equal((address, code), (address, await CodeAsync(builtIn, address)));
            Assert.True((address, code) == (address, await CodeAsync(secondary, address)), $"rbldnsd disagrees on {address}:\n{rbldnsd.Output}");
            var lookup = await http.GetFromJsonAsync<JsonElement>($"/api/v1/lookup/{address}");
            Assert.Equal((address, code is not null), (address, lookup.GetProperty("listed").GetBoolean()));
        }
    }

    private static async Task<string> ZoneAsync(HttpClient http, string key, string format)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/zone/{format}");
        request.Headers.Authorization = new("Bearer", key);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The A record's address, or null for NXDOMAIN.</summary>
    private static async Task<string?> CodeAsync(DnsblClient dns, string address)
    {
        var answer = await dns.AskAsync(DnsblClient.NameOf(address, Zone));
        return answer.ReturnCode == ReturnCode.NxDomain ? null : answer.AnswerRecords.OfType<ARecord>().Single().Address.ToString();
    }
}
