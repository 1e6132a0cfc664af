using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ARSoft.Tools.Net.Dns;
using DelistPortal.Api;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using DelistPortal.Dnsbl;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Api;

/// <summary>The HTTP API on the real app: keys, problem details, rate limiting, and the DNSBL following its changes.</summary>
public sealed class ApiEndpointTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = new(settings: new Dictionary<string, string?>
    {
        ["Api:LookupPermitLimit"] = "5",
        ["Api:LookupWindow"] = "00:01:00",
    });
    private HttpClient _http = null!;

    public Task InitializeAsync()
    {
        _http = _portal.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _portal.DisposeAsync();
    }

    private async Task<string> KeyAsync(params string[] scopes) =>
        (await _portal.Services.GetRequiredService<ApiKeyService>().CreateAsync("sensor-1", scopes)).Secret;

    private HttpRequestMessage Request(HttpMethod method, string path, string? key, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Authorization = new("Bearer", key);
        }
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        return request;
    }

    [Fact]
    public async Task TheLookupAnswersListedWithReasonSinceAndThePortalLink()
    {
        var listed = await _http.GetFromJsonAsync<JsonElement>("/api/v1/lookup/203.0.113.7");
        var notListed = await _http.GetFromJsonAsync<JsonElement>("/api/v1/lookup/203.0.113.99");

        Assert.True(listed.GetProperty("listed").GetBoolean());
        Assert.Equal("Spam", listed.GetProperty("reason").GetString());
        Assert.True(listed.GetProperty("since").GetDateTimeOffset() <= DateTimeOffset.UtcNow);
        Assert.Equal("http://portal.test/?ip=203.0.113.7", listed.GetProperty("portalUrl").GetString());
        Assert.False(notListed.GetProperty("listed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, notListed.GetProperty("reason").ValueKind);
    }

    [Fact]
    public async Task ALookupOfSomethingElseThanAPublicAddressIsAProblemDetails()
    {
        var response = await _http.GetAsync("/api/v1/lookup/10.1.2.3");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("private address", problem.GetProperty("detail").GetString());
        Assert.Equal("Private", problem.GetProperty("errors").GetProperty("ip")[0].GetString());
    }

    [Fact]
    public async Task TooManyLookupsGet429WithRetryAfter()
    {
        HttpResponseMessage? last = null;
        for (var i = 0; i < 6; i++)
        {
            last = await _http.GetAsync("/api/v1/lookup/203.0.113.99");
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
        Assert.True(last.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("application/problem+json", last.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ListingWithoutAKeyOrWithABadKeyIs401AndChangesNothing()
    {
        var body = new { network = "203.0.113.50", reason = "Spam", detail = "Mail to our traps." };

        var none = await _http.SendAsync(Request(HttpMethod.Post, "/api/v1/listings", null, body));
        var bad = await _http.SendAsync(Request(HttpMethod.Post, "/api/v1/listings", "dpk_1_not-the-secret", body));

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.False((await _http.GetFromJsonAsync<JsonElement>("/api/v1/lookup/203.0.113.50")).GetProperty("listed").GetBoolean());
    }

    [Fact]
    public async Task ARevokedKeyOrOneWithoutTheScopeIs403()
    {
        var keys = _portal.Services.GetRequiredService<ApiKeyService>();
        var revoked = await keys.CreateAsync("old-sensor", [ApiScopes.ListingsWrite]);
        await keys.RevokeAsync(revoked.Key.Id);
        var zoneOnly = await KeyAsync(ApiScopes.ZoneRead);
        var body = new { network = "203.0.113.51", reason = "Spam", detail = "Mail to our traps." };

        var withRevoked = await _http.SendAsync(Request(HttpMethod.Post, "/api/v1/listings", revoked.Secret, body));
        var withoutScope = await _http.SendAsync(Request(HttpMethod.Post, "/api/v1/listings", zoneOnly, body));

        Assert.Equal(HttpStatusCode.Forbidden, withRevoked.StatusCode);
        Assert.Contains("revoked", (await withRevoked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, withoutScope.StatusCode);
    }

    [Fact]
    public async Task ASensorListsAndDelistsAndTheDnsblFollowsAtOnceWithTheKeyInTheHistory()
    {
        var key = await KeyAsync(ApiScopes.ListingsWrite);
        var dns = new DnsblClient(_portal.Services.GetRequiredService<DnsblServer>().EndPoint!, tcp: false);
        const string name = "0.100.51.198.dnsbl.portal.example";

        var created = await _http.SendAsync(Request(HttpMethod.Post, "/api/v1/listings", key,
            new { network = "2001:db8:feed::/48", reason = "malware", detail = "Botnet C2 seen.", permanent = true }));
        var listing = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("Malware", listing.GetProperty("reason").GetString());
        Assert.Equal("Api", listing.GetProperty("source").GetString());
        Assert.Equal(IPAddress.Parse("127.0.0.5"), (await dns.AskAsync(DnsblClient.NameOf("2001:db8:feed::1", "dnsbl.portal.example"))).AnswerRecords.OfType<ARecord>().Single().Address);

        // The demo range 198.51.100.0/24 (botnet) is removed by network, with a slash in the path.
        Assert.Equal(ReturnCode.NoError, (await dns.AskAsync(name)).ReturnCode);
        var deleted = await _http.SendAsync(Request(HttpMethod.Delete, "/api/v1/listings/198.51.100.0/24?reason=cleaned+up", key));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(ReturnCode.NxDomain, (await dns.AskAsync(name)).ReturnCode);

        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var delisted = await db.ListingEvents.SingleAsync(e => e.Network == "198.51.100.0/24" && e.Kind == ListingEventKind.Delisted);
        Assert.Equal((ActorKind.ApiKey, "sensor-1", "cleaned up"), (delisted.ActorKind, delisted.ActorName, delisted.Reason));
        var again = await _http.SendAsync(Request(HttpMethod.Delete, "/api/v1/listings/198.51.100.0/24", key));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task BadListingsGetProblemDetailsNamingEachField()
    {
        var key = await KeyAsync(ApiScopes.ListingsWrite);

        var response = await _http.SendAsync(Request(HttpMethod.Post, "/api/v1/listings", key,
            new { network = "198.51.100.7/24", reason = "Annoying", detail = "x" }));
        var noDetail = await _http.SendAsync(Request(HttpMethod.Post, "/api/v1/listings", key,
            new { network = "203.0.113.60", reason = "Spam", detail = " " }));
        var duplicate = await _http.SendAsync(Request(HttpMethod.Post, "/api/v1/listings", key,
            new { network = "203.0.113.7", reason = "Spam", detail = "Again." }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("Did you mean 198.51.100.0/24?", errors.GetProperty("network")[0].GetString());
        Assert.Contains("SpamTrap", errors.GetProperty("reason")[0].GetString());
        Assert.Equal(HttpStatusCode.BadRequest, noDetail.StatusCode);
        Assert.True((await noDetail.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("detail", out _));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
    }

    [Fact]
    public async Task TheZoneExportNeedsItsScopeAndHasTheListingsInRbldnsdForm()
    {
        var key = await KeyAsync(ApiScopes.ZoneRead);

        var withoutKey = await _http.GetAsync("/api/v1/zone/ip4set");
        var ip4 = await (await _http.SendAsync(Request(HttpMethod.Get, "/api/v1/zone/ip4set", key))).Content.ReadAsStringAsync();
        var ip6 = await (await _http.SendAsync(Request(HttpMethod.Get, "/api/v1/zone/ip6trie", key))).Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        var lines = ip4.Split('\n');
        Assert.Contains(":127.0.0.2:Access denied, banned sending IP [$] (spam); To request removal from this list please visit http://portal.test/?ip=$", lines);
        Assert.Contains("203.0.113.7", lines);
        Assert.Contains("127.0.0.2", lines);
        Assert.Contains(lines, l => l.StartsWith("198.51.100.0/24 :127.0.0.5:Access denied, banned sending IP [$] (malware or botnet)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("$SOA 60 localhost. hostmaster.portal.example. ", StringComparison.Ordinal));
        Assert.Contains(ip6.Split('\n'), l => l.StartsWith("2001:db8:bad::/48 :127.0.0.10:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheApi()
    {
        var document = await _http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/lookup/{ip}", out _));
        Assert.True(paths.TryGetProperty("/api/v1/listings", out _));
    }
}
