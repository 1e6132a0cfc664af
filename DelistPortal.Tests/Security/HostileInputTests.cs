using System.Net;
using DelistPortal.Data;
using DelistPortal.Delisting;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Security;

/// <summary>A barrage of hostile input against the public flow: clear refusals, no server errors, nothing stored.</summary>
public sealed class HostileInputTests : IAsyncLifetime
{
    private static readonly string[] Hostile =
    [
        new string('A', 100_000),
        new string('1', 5_000) + "@example.com",
        "victim@example.com\r\nBcc: everyone@example.com",
        "victim@example.com%0d%0aBcc:x@example.com",
        "203.0.113.7\r\nX-Injected: 1",
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "' OR '1'='1'; DROP TABLE Listings; --",
        "203.0.113.7' OR 1=1 --",
        "postmaster＠example.com",
        "post\u200bmaster@example.com",
        "admin@exa\u202emple.com",
        "２０３.０.１１３.７",
        "203.0.113.7\u0000",
        "%00",
        "../../../../etc/passwd",
        "{{7*7}}",
        "${jndi:ldap://x}",
        "\ud800",
        "",
        "   ",
    ];

    private readonly PortalFactory _portal = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task EveryHostileFieldIsRefusedClearlyAndNothingIsStoredOrSent()
    {
        using var scope = _portal.Services.CreateScope();
        var service = scope.ServiceProvider.GetRequiredService<DelistService>();

        foreach (var value in Hostile)
        {
            // The fields are checked first: no proof of work is needed to be told a field is wrong.
            var asEmail = await service.SubmitAsync(value, "203.0.113.7", "192.0.2.1", proof: null);
            var asIp = await service.SubmitAsync("postmaster@sender.example", value, "192.0.2.1", proof: null);

            Assert.Equal(SubmitOutcome.Invalid, asEmail.Outcome);
            Assert.NotEqual(EmailAddressError.None, asEmail.EmailError);
            Assert.Equal(SubmitOutcome.Invalid, asIp.Outcome);
            Assert.NotEqual(DelistPortal.Blocklist.IpAddressError.None, asIp.IpError);
            Assert.Equal(ConfirmationStatus.InvalidLink, (await service.OpenAsync(value, value)).Status);
            Assert.Equal(ConfirmationStatus.InvalidLink, (await service.DelistAsync(value, value, value)).Status);
            Assert.Equal(ResendOutcome.NotPending, (await service.ResendAsync(value)).Outcome);
        }

        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(0, await db.DelistRequests.CountAsync());
        Assert.False(Directory.Exists(Path.Combine(_portal.DataFolder, "mailbox")));
    }

    [Fact]
    public async Task HostileQueryStringsNeverCauseAServerErrorNorComeBackUnescaped()
    {
        // Through Kestrel on a real port: the in-memory test server refuses some of these paths before the app sees them.
        using var client = new HttpClient { BaseAddress = _portal.StartOnRealPort() };

        foreach (var value in Hostile.Where(v => v.Length < 8000))
        {
            var encoded = Uri.EscapeDataString(value);
            foreach (var path in new[] { $"/?ip={encoded}", $"/confirm?request={encoded}&token={encoded}", $"/{encoded}", "/mailbox?x=" + encoded })
            {
                var response = await client.GetAsync(path);
                var body = await response.Content.ReadAsStringAsync();

                // A page, "not found", or the server's own refusal of an oversized request line: never a 5xx.
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound or HttpStatusCode.BadRequest
                    or HttpStatusCode.RequestUriTooLong, $"{path[..Math.Min(path.Length, 80)]} → {(int)response.StatusCode}");
                Assert.DoesNotContain("<script>alert(1)</script>", body);
                Assert.DoesNotContain("<img src=x onerror", body);
            }
        }
    }
}
