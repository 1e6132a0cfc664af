using System.Net;
using DelistPortal.Tests.Support;

namespace DelistPortal.Tests.Security;

public sealed class ResponseHeaderTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Theory]
    [InlineData("/")]
    [InlineData("/confirm?request=DL-0000-0000&token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("/no-such-page")]
    public async Task PagesForbidFramingSniffingReferrersAndCaching(string path)
    {
        using var client = _portal.CreateClient();

        var response = await client.GetAsync(path);

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self';", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.True(response.Headers.CacheControl!.NoStore);
    }

    [Fact]
    public async Task HealthEndpointsAnswer()
    {
        using var client = _portal.CreateClient();

        var live = await client.GetAsync("/health/live");
        var ready = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AHostOutsideAllowedHostsIsRefused()
    {
        await using var portal = new PortalFactory(settings: new Dictionary<string, string?> { ["AllowedHosts"] = "delist.example.net" });
        using var client = portal.CreateClient();
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Host = "attacker.example" } };
        using var allowed = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Host = "delist.example.net" } };

        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(forged)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(allowed)).StatusCode);
    }
}
