using DelistPortal.Email;
using System.Globalization;
using System.Net;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using DelistPortal.Delisting;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Integration;

/// <summary>The real app (its DI, its SQLite file, MailKit) mailing a real SMTP server on loopback.</summary>
public sealed class ConfirmationMailOverSmtpTests : IAsyncLifetime
{
    private SmtpReceiver _smtp = null!;
    private PortalFactory _portal = null!;

    public async Task InitializeAsync()
    {
        _smtp = await SmtpReceiver.StartNewAsync();
        // Fast retries, so a stopped mail server is retried within the test's patience.
        _portal = new PortalFactory(_smtp.Port, new Dictionary<string, string?>
        {
            ["Outbox:PollInterval"] = "00:00:00.100",
            ["Outbox:FirstRetryDelay"] = "00:00:00.200",
            ["Outbox:MaxRetryDelay"] = "00:00:00.500",
        });
    }

    public async Task DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private Task<SubmitResult> SubmitAsync(string email, string ip) => _portal.Services.SubmitSolvedAsync(email, ip, "192.0.2.200");

    [Fact]
    public async Task TheConfirmationMailArrivesOverSmtpAndItsLinkShowsTheDelistStep()
    {
        using var client = _portal.CreateClient();

        var result = await SubmitAsync("postmaster@sender.example", "203.0.113.7");
        var mail = await _smtp.WaitForMessageAsync(m => m.To.ToString().Contains("postmaster@sender.example"));
        var link = MailLinks.ConfirmationLink(mail);
        var page = await client.GetStringAsync(link.PathAndQuery);

        Assert.Equal(SubmitOutcome.ConfirmationSent, result.Outcome);
        Assert.Equal("portal.test", link.Host);
        Assert.Contains("Confirm the removal of 203.0.113.7", mail.Subject);
        Assert.NotNull(mail.HtmlBody);
        Assert.NotNull(mail.TextBody);
        Assert.Contains("Delist IP", page);
        Assert.Contains("Bulk unsolicited mail", WebUtility.HtmlDecode(page));
    }

    [Fact]
    public async Task OpeningTheLinkTwiceChangesNothing()
    {
        using var client = _portal.CreateClient();
        var submitted = await SubmitAsync("postmaster@sender.example", "203.0.113.25");
        var link = MailLinks.ConfirmationLink(await _smtp.WaitForMessageAsync(_ => true));
        var before = await StoredStateAsync(submitted.Request!.Reference, "203.0.113.25");

        await client.GetStringAsync(link.PathAndQuery);
        var second = await client.GetStringAsync(link.PathAndQuery);

        // Mail scanners open links: only the click may change the request, the listings or the history.
        Assert.Equal(before, await StoredStateAsync(submitted.Request.Reference, "203.0.113.25"));
        Assert.Equal(DelistRequestState.AwaitingConfirmation, before.State);
        Assert.NotEqual(0, before.ListingsOfTheAddress);
        Assert.Contains("Delist IP", second);
    }

    private sealed record StoredState(DelistRequestState State, string TokenHash, int ConfirmationsSent, DateTimeOffset? CompletedAt,
        int ListingsOfTheAddress, int Exceptions, int Events);

    private async Task<StoredState> StoredStateAsync(string reference, string address)
    {
        var dbFactory = _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        var request = await db.DelistRequests.AsNoTracking().SingleAsync(r => r.Reference == reference);
        var listings = await db.ListingsThatListAsync(IPAddress.Parse(address), DateTimeOffset.UtcNow);
        return new StoredState(request.State, Convert.ToHexString(request.TokenHash), request.ConfirmationsSent, request.CompletedAt,
            listings.Count, await db.ListingExceptions.CountAsync(), await db.ListingEvents.CountAsync());
    }

    [Fact]
    public async Task AForgedHostHeaderDoesNotChangeTheLinkInTheMail()
    {
        using var client = _portal.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/?ip=203.0.113.7");
        request.Headers.Host = "attacker.example";
        await client.SendAsync(request);

        await SubmitAsync("postmaster@sender.example", "192.0.2.14");
        var link = MailLinks.ConfirmationLink(await _smtp.WaitForMessageAsync(_ => true));

        Assert.Equal("portal.test", link.Host);
    }

    [Fact]
    public async Task WithTheSmtpServerStoppedTheMailWaitsInTheOutboxAndGoesOutWhenItIsBack()
    {
        await _smtp.StopAsync();

        var submitted = await SubmitAsync("postmaster@sender.example", "203.0.113.7");
        await WaitForAttemptAsync(submitted.Request!.Reference);
        Assert.Empty(_smtp.Messages);
        await _smtp.StartAsync();

        Assert.Equal(SubmitOutcome.ConfirmationSent, submitted.Outcome);
        var mail = await _smtp.WaitForMessageAsync(m => m.Headers["X-Delist-Reference"] == submitted.Request.Reference);
        using var client = _portal.CreateClient();
        Assert.Contains("Delist IP", await client.GetStringAsync(MailLinks.ConfirmationLink(mail).PathAndQuery));
    }

    [Fact]
    public async Task AReviewOutcomeDecidedWhileTheSmtpServerIsStoppedArrivesWhenItIsBackInTheSendersLanguage()
    {
        var request = await FrenchRequestInReviewAsync("203.0.113.9");
        await _smtp.StopAsync();

        // The admin decides in English; the sender asked in French.
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en-US");
        ReviewResult result;
        try
        {
            result = await _portal.Services.GetRequiredService<ReviewService>()
                .DenyAsync(Principals.Admin(), request.Id, "Le spam continue.", "192.0.2.201");
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
        await WaitForAttemptAsync(request.Reference);
        Assert.Empty(_smtp.Messages);
        await _smtp.StartAsync();

        Assert.Equal(ReviewOutcome.Denied, result.Outcome);
        var mail = await _smtp.WaitForMessageAsync(m => m.Headers["X-Delist-Reference"] == request.Reference);
        Assert.Equal("Votre demande pour 203.0.113.9 a été refusée", mail.Subject);
        Assert.Contains("Le spam continue.", mail.TextBody);
        Assert.Equal("fr", mail.Body!.Headers["Content-Language"]);
    }

    /// <summary>A request made in French that the listing policy sent to review.</summary>
    private async Task<DelistRequest> FrenchRequestInReviewAsync(string address)
    {
        await _portal.Services.GetRequiredService<BlocklistService>().ListAsync(
            new ListingDraft(IpNetwork.Single(IPAddress.Parse(address)), ListingReason.Spam, "Spam trap hits.", ListingSource.Admin) { Permanent = true },
            Actor.Admin("test-admin"), null);
        var dbFactory = _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        var now = DateTimeOffset.UtcNow;
        var request = new DelistRequest
        {
            Id = Guid.NewGuid(), Reference = RequestReference.New(), Email = "postmaster@sender.example", IpAddress = IPAddress.Parse(address),
            CreatedAt = now, TokenHash = [], TokenExpiresAt = now.AddMinutes(30), Culture = "fr",
        };
        request.MarkInReview(now, "198.51.100.77", "Self-service refused (test)");
        db.DelistRequests.Add(request);
        await db.SaveChangesAsync();
        return request;
    }

    /// <summary>Waits until the outbox has tried (and failed) to send the request's mail at least once.</summary>
    private async Task WaitForAttemptAsync(string reference)
    {
        var dbFactory = _portal.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<DelistPortal.Data.PortalDbContext>>();
        for (var i = 0; i < 200; i++)
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            if (db.OutboxMessages.Any(m => m.Attempts > 0 && m.LastError != null))
            {
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail($"The outbox never tried to send the mail of {reference}.");
    }

    [Fact]
    public async Task UnknownPagesGetANotFoundPage()
    {
        using var client = _portal.CreateClient();

        var response = await client.GetAsync("/no-such-page");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Page not found", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheMailboxPageDoesNotExistWhenSmtpIsConfigured()
    {
        using var client = _portal.CreateClient();

        var page = await client.GetStringAsync("/mailbox");

        Assert.Contains("Page not found", page);
    }
}
