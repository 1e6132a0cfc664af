using System.Globalization;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Delisting;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Admin;

public sealed class ReviewServiceTests : IDisposable
{
    private readonly DelistingHarness _harness = new();
    private readonly ServiceProvider _services;

    public ReviewServiceTests() => _services = _harness.BuildAdminProvider();

    private ReviewService Reviews => _services.GetRequiredService<ReviewService>();

    [Fact]
    public async Task ApprovingRemovesTheAddressAndFreesItFromItsRangeWithHistoryAndMailsTheSender()
    {
        var request = await InReviewAsync("203.0.113.7", alsoRange: true);

        var result = await Reviews.ApproveAsync(Principals.Admin("alice"), request.Id, "Fixed, thanks.", "192.0.2.200");

        Assert.Equal(ReviewOutcome.Approved, result.Outcome);
        Assert.Equal(("203.0.113.7", "203.0.113.7", "203.0.113.0/24"), (result.Networks, result.ExceptedNetwork, result.ExceptedFrom));
        Assert.False(await _harness.IsListedAsync("203.0.113.7"));
        Assert.True(await _harness.IsListedAsync("203.0.113.8"));
        await using var db = _harness.Database.CreateDbContext();
        var stored = await db.DelistRequests.SingleAsync(r => r.Id == request.Id);
        Assert.Equal((DelistRequestState.Delisted, "alice", "Fixed, thanks."), (stored.State, stored.DecidedBy, stored.DecisionMessage));
        var events = await db.ListingEvents.Where(e => e.Kind == ListingEventKind.Delisted || e.Kind == ListingEventKind.ExceptionAdded).ToListAsync();
        Assert.Equal([ListingEventKind.Delisted, ListingEventKind.ExceptionAdded], events.Select(e => e.Kind).Order());
        Assert.All(events, e => Assert.Equal((ActorKind.Admin, "alice", request.Id), (e.ActorKind, e.ActorName, e.DelistRequestId!.Value)));
        var exception = await db.ListingExceptions.SingleAsync();
        Assert.Equal(("203.0.113.7", ActorKind.Admin, "alice", request.Id), (exception.Network, exception.ActorKind, exception.ActorName, exception.DelistRequestId!.Value));
        var mail = Assert.Single(await _harness.SentMailAsync());
        Assert.Contains("203.0.113.7 was removed", mail.Subject);
        Assert.Contains("Fixed, thanks.", mail.TextBody);
        Assert.Contains("203.0.113.7 was freed from 203.0.113.0/24, which stays listed for every other address.", mail.TextBody);
        Assert.Equal(request.Reference, mail.Headers["X-Delist-Reference"]);
    }

    [Fact]
    public async Task DenyingNeedsAMessageAndKeepsTheListing()
    {
        var request = await InReviewAsync("203.0.113.7");

        var withoutMessage = await Reviews.DenyAsync(Principals.Admin(), request.Id, "  ", null);
        var denied = await Reviews.DenyAsync(Principals.Admin(), request.Id, "The spam continues from this host.", null);

        Assert.Equal(ReviewOutcome.MessageMissing, withoutMessage.Outcome);
        Assert.Equal(ReviewOutcome.Denied, denied.Outcome);
        Assert.True(await _harness.IsListedAsync("203.0.113.7"));
        var mail = Assert.Single(await _harness.SentMailAsync());
        Assert.Contains("refused", mail.Subject);
        Assert.Contains("The spam continues from this host.", mail.TextBody);
    }

    [Fact]
    public async Task TheSecondDecisionOfARequestIsRefused()
    {
        var request = await InReviewAsync("203.0.113.7");

        await Reviews.DenyAsync(Principals.Admin("alice"), request.Id, "No.", null);
        var second = await Reviews.ApproveAsync(Principals.Admin("bob"), request.Id, null, null);

        Assert.Equal(ReviewOutcome.NotInReview, second.Outcome);
        Assert.True(await _harness.IsListedAsync("203.0.113.7"));
    }

    [Fact]
    public async Task ConfirmationMailTheOutboxGaveUpOnIsCountedOnTheDashboard()
    {
        await _harness.ListAsync("198.51.100.1");
        _harness.Mail.ServerDown = true;
        await _harness.SubmitAsync("postmaster@sender.example", "198.51.100.1", null);
        for (var attempt = 0; attempt < 4; attempt++)
        {
            await _harness.DeliverMailAsync();
            _harness.Clock.Advance(TimeSpan.FromMinutes(10));
        }

        var figures = await _services.GetRequiredService<DashboardService>().LoadAsync(Principals.Viewer());

        Assert.Equal(1, figures.MailFailures);
    }

    [Fact]
    public async Task AnOutcomeMailTheOutboxGaveUpOnIsCountedOnTheDashboardAndMarksTheRequest()
    {
        var request = await InReviewAsync("203.0.113.7");
        _harness.Mail.ServerDown = true;

        var result = await Reviews.DenyAsync(Principals.Admin(), request.Id, "No.", null);
        for (var attempt = 0; attempt < 4; attempt++)
        {
            await _harness.DeliverMailAsync();
            _harness.Clock.Advance(TimeSpan.FromMinutes(10));
        }
        var figures = await _services.GetRequiredService<DashboardService>().LoadAsync(Principals.Viewer());

        Assert.Equal(ReviewOutcome.Denied, result.Outcome);
        Assert.Equal(1, figures.MailFailures);
        Assert.Equal(0, figures.RequestsInReview);
        await using var db = _harness.Database.CreateDbContext();
        Assert.True((await db.DelistRequests.SingleAsync(r => r.Id == request.Id)).OutcomeMailFailed);
    }

    [Fact]
    public async Task TheOutcomeMailWaitsInTheOutboxWhileTheMailServerIsDown()
    {
        var request = await InReviewAsync("203.0.113.7");
        _harness.Mail.ServerDown = true;
        await Reviews.DenyAsync(Principals.Admin(), request.Id, "The spam continues from this host.", null);
        await _harness.DeliverMailAsync();
        Assert.Empty(_harness.Mail.Sent);

        _harness.Mail.ServerDown = false;
        _harness.Clock.Advance(TimeSpan.FromMinutes(10));

        var mail = Assert.Single(await _harness.SentMailAsync());
        Assert.Contains("The spam continues from this host.", mail.TextBody);
    }

    [Fact]
    public async Task TheOutcomeMailIsWrittenInTheSendersLanguageNotTheAdminsOne()
    {
        var request = await InReviewAsync("203.0.113.7", culture: "fr");
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en-US");
            await Reviews.DenyAsync(Principals.Admin(), request.Id, "Non.", null);
            var mail = Assert.Single(await _harness.SentMailAsync());

            Assert.Equal("Votre demande pour 203.0.113.7 a été refusée", mail.Subject);
            Assert.Contains("<html lang=\"fr\">", mail.HtmlBody);
            Assert.Equal("fr", mail.Body!.Headers["Content-Language"]);
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }

    [Theory]
    [InlineData("203.0.113.7")]
    [InlineData(" ::ffff:203.0.113.7 ")]
    public async Task TheRequestsSearchFindsAnAddressHoweverItIsWritten(string search)
    {
        var request = await InReviewAsync("203.0.113.7");

        var page = await Reviews.QueryAsync(Principals.Viewer(), new RequestFilter { Search = search }, 0, 10);

        Assert.Equal(request.Id, Assert.Single(page.Items).Id);
    }

    private async Task<DelistRequest> InReviewAsync(string address, bool alsoRange = false, string culture = "en")
    {
        await _harness.ListAsync(address);
        if (alsoRange)
        {
            await _harness.ListAsync("203.0.113.0", 24);
        }
        await using var db = _harness.Database.CreateDbContext();
        var now = _harness.Clock.GetUtcNow();
        var request = new DelistRequest
        {
            Id = Guid.NewGuid(), Reference = RequestReference.New(), Email = "sender@example.org", IpAddress = System.Net.IPAddress.Parse(address),
            CreatedAt = now, TokenHash = [], TokenExpiresAt = now.AddMinutes(30), Culture = culture,
        };
        request.MarkInReview(now, "198.51.100.77", "Self-service refused (test)");
        db.DelistRequests.Add(request);
        await db.SaveChangesAsync();
        return request;
    }

    public void Dispose()
    {
        _services.Dispose();
        _harness.Dispose();
    }
}
