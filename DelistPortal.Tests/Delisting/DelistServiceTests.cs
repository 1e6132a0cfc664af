using DelistPortal.Blocklist;
using DelistPortal.Data;
using DelistPortal.Delisting;
using DelistPortal.Email;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Delisting;

public class DelistServiceTests : IDisposable
{
    private const string Email = "postmaster@sender.example";
    private readonly DelistingHarness _harness;

    public DelistServiceTests()
        : this(DatabaseProvider.Sqlite)
    {
    }

    protected DelistServiceTests(DatabaseProvider provider) => _harness = new(provider);

    public void Dispose()
    {
        _harness.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task SubmitRefusesInvalidInputAndStoresNothing()
    {
        await _harness.ListAsync("203.0.113.7");

        var result = await _harness.SubmitAsync("not an address", "10.0.0.1", "198.51.100.1");

        Assert.Equal(SubmitOutcome.Invalid, result.Outcome);
        Assert.Equal(EmailAddressError.Malformed, result.EmailError);
        Assert.Equal(IpAddressError.Private, result.IpError);
        await AssertNoRequestsAsync();
        Assert.Empty(await _harness.SentMailAsync());
    }

    [Fact]
    public async Task SubmitForAnUnlistedAddressSaysSoAndSendsNothing()
    {
        await _harness.ListAsync("203.0.113.7");

        var result = await _harness.SubmitAsync(Email, "203.0.113.8", null);

        Assert.Equal(SubmitOutcome.NotListed, result.Outcome);
        Assert.Equal("203.0.113.8", result.IpAddress);
        await AssertNoRequestsAsync();
        Assert.Empty(await _harness.SentMailAsync());
    }

    [Fact]
    public async Task SubmitStoresTheRequestAndMailsALinkOnThePublicAddress()
    {
        await _harness.ListAsync("203.0.113.7");

        var result = await _harness.SubmitAsync(Email, "::ffff:203.0.113.7", "198.51.100.1");

        Assert.Equal(SubmitOutcome.ConfirmationSent, result.Outcome);
        Assert.Equal("203.0.113.7", result.Request!.IpAddress);
        Assert.Equal(DelistingHarness.Start.AddMinutes(30), result.Request.LinkExpiresAt);
        var mail = Assert.Single(await _harness.SentMailAsync());
        Assert.Equal(Email, mail.To.Mailboxes.Single().Address);
        var link = MailLinks.ConfirmationLink(mail);
        Assert.StartsWith("https://delist.example.net/portal/confirm?request=" + result.Request.Reference, link.AbsoluteUri);
        Assert.Contains(link.AbsoluteUri, System.Net.WebUtility.HtmlDecode(mail.HtmlBody));

        await using var db = _harness.Database.CreateDbContext();
        var stored = await db.DelistRequests.SingleAsync();
        Assert.Equal(DelistRequestState.AwaitingConfirmation, stored.State);
        Assert.Equal("198.51.100.1", stored.RequestedFromAddress);
        Assert.DoesNotContain((await _harness.LastLinkAsync()).Token, Convert.ToBase64String(stored.TokenHash));
    }

    [Fact]
    public async Task SubmittingTheSamePairAgainContinuesTheOpenRequest()
    {
        await _harness.ListAsync("203.0.113.7");
        var first = await _harness.SubmitAsync(Email, "203.0.113.7", null);

        var second = await _harness.SubmitAsync(Email, "203.0.113.7", null);

        Assert.Equal(first.Request!.Reference, second.Request!.Reference);
        Assert.Single(await _harness.SentMailAsync());
    }

    [Fact]
    public async Task OpeningTheLinkShowsTheListingAndChangesNothing()
    {
        await _harness.ListAsync("203.0.113.7", reason: ListingReason.SpamTrap);
        await _harness.SubmitAsync(Email, "203.0.113.7", null);
        var (reference, token) = await _harness.LastLinkAsync();

        var first = await _harness.Service.OpenAsync(reference, token);
        var second = await _harness.Service.OpenAsync(reference, token);

        Assert.Equal(ConfirmationStatus.ReadyToDelist, first.Status);
        Assert.Equal(ConfirmationStatus.ReadyToDelist, second.Status);
        var listing = Assert.Single(first.Listings!);
        Assert.Equal(ListingReason.SpamTrap, listing.Reason);
        Assert.True(await _harness.IsListedAsync("203.0.113.7"));
    }

    [Fact]
    public async Task DelistRemovesTheListingAndRecordsWhoWhenAndFromWhere()
    {
        await _harness.ListAsync("203.0.113.7");
        await _harness.SubmitAsync(Email, "203.0.113.7", null);
        var (reference, token) = await _harness.LastLinkAsync();
        _harness.Clock.Advance(TimeSpan.FromMinutes(4));

        var result = await _harness.Service.DelistAsync(reference, token, "192.0.2.44");

        Assert.Equal(ConfirmationStatus.Delisted, result.Status);
        Assert.Equal(reference, result.Reference);
        Assert.False(await _harness.IsListedAsync("203.0.113.7"));
        await using var db = _harness.Database.CreateDbContext();
        var listing = await db.Listings.SingleAsync();
        Assert.Equal(ListingStatus.Delisted, listing.Status);
        Assert.Equal(DelistingHarness.Start.AddMinutes(4), listing.EndedAt);
        var request = await db.DelistRequests.SingleAsync();
        Assert.Equal(DelistRequestState.Delisted, request.State);
        Assert.Equal(request.Id, listing.DelistRequestId);
        var delisted = await db.ListingEvents.SingleAsync(e => e.Kind == ListingEventKind.Delisted);
        Assert.Equal((ActorKind.Requester, Email), (delisted.ActorKind, delisted.ActorName));
        Assert.Equal(DelistingHarness.Start.AddMinutes(4), delisted.At);
        Assert.Equal("192.0.2.44", delisted.ClientAddress);
        Assert.Equal(request.Id, delisted.DelistRequestId);
    }

    [Fact]
    public async Task DelistInsideARangeFreesOnlyTheAddressAndTheRangeStaysListed()
    {
        var range = await _harness.ListAsync("198.51.100.0", 24);
        await _harness.SubmitAsync(Email, "198.51.100.77", null);
        var (reference, token) = await _harness.LastLinkAsync();

        var result = await _harness.Service.DelistAsync(reference, token, "192.0.2.9");

        Assert.Equal(ConfirmationStatus.Delisted, result.Status);
        Assert.Equal((null, "198.51.100.77", "198.51.100.0/24"), (result.DelistedNetworks, result.ExceptedNetwork, result.ExceptedFrom));
        Assert.False(await _harness.IsListedAsync("198.51.100.77"));
        Assert.True(await _harness.IsListedAsync("198.51.100.76"));
        Assert.True(await _harness.IsListedAsync("198.51.100.78"));
        await using var db = _harness.Database.CreateDbContext();
        Assert.Equal(ListingStatus.Active, (await db.Listings.SingleAsync(l => l.Id == range.Id)).Status);
        var request = await db.DelistRequests.SingleAsync();
        var exception = await db.ListingExceptions.SingleAsync();
        Assert.Equal((range.Id, "198.51.100.77", ListingExceptionStatus.Active, ActorKind.Requester, Email, request.Id),
            (exception.ListingId, exception.Network, exception.Status, exception.ActorKind, exception.ActorName, exception.DelistRequestId!.Value));
        var added = await db.ListingEvents.SingleAsync(e => e.Kind == ListingEventKind.ExceptionAdded);
        Assert.Equal((range.Id, Email, "192.0.2.9", request.Id), (added.ListingId, added.ActorName, added.ClientAddress, added.DelistRequestId!.Value));
        Assert.Contains("198.51.100.77 freed", added.Reason);
    }

    [Fact]
    public async Task TheSameLinkUsedAgainIsRefusedAndChangesNothing()
    {
        await _harness.ListAsync("203.0.113.7");
        await _harness.SubmitAsync(Email, "203.0.113.7", null);
        var (reference, token) = await _harness.LastLinkAsync();
        await _harness.Service.DelistAsync(reference, token, null);
        await _harness.ListAsync("203.0.113.7");

        var again = await _harness.Service.DelistAsync(reference, token, null);

        Assert.Equal(ConfirmationStatus.AlreadyCompleted, again.Status);
        Assert.Equal(DelistRequestState.Delisted, again.State);
        Assert.True(await _harness.IsListedAsync("203.0.113.7"));
    }

    [Fact]
    public async Task DelistFailsWhenTheTokenExpired()
    {
        await _harness.ListAsync("203.0.113.7");
        await _harness.SubmitAsync(Email, "203.0.113.7", null);
        var (reference, token) = await _harness.LastLinkAsync();
        _harness.Clock.Advance(TimeSpan.FromMinutes(30));

        var opened = await _harness.Service.OpenAsync(reference, token);
        var clicked = await _harness.Service.DelistAsync(reference, token, null);

        Assert.Equal(ConfirmationStatus.Expired, opened.Status);
        Assert.Equal(ConfirmationStatus.Expired, clicked.Status);
        Assert.True(await _harness.IsListedAsync("203.0.113.7"));
    }

    [Fact]
    public async Task ATokenMovedToAnotherRequestIsRefused()
    {
        await _harness.ListAsync("203.0.113.7");
        await _harness.ListAsync("203.0.113.25");
        await _harness.SubmitAsync(Email, "203.0.113.7", null);
        var (firstReference, _) = await _harness.LastLinkAsync();
        await _harness.SubmitAsync(Email, "203.0.113.25", null);
        var (_, secondToken) = await _harness.LastLinkAsync();

        var result = await _harness.Service.DelistAsync(firstReference, secondToken, null);

        Assert.Equal(ConfirmationStatus.InvalidLink, result.Status);
        Assert.True(await _harness.IsListedAsync("203.0.113.7"));
        Assert.True(await _harness.IsListedAsync("203.0.113.25"));
    }

    [Theory]
    [InlineData("DL-0000-0000", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData(null, null)]
    [InlineData("'; DROP TABLE DelistRequests; --", "x")]
    public async Task AMadeUpLinkIsRefused(string? reference, string? token)
    {
        await _harness.ListAsync("203.0.113.7");
        await _harness.SubmitAsync(Email, "203.0.113.7", null);

        Assert.Equal(ConfirmationStatus.InvalidLink, (await _harness.Service.OpenAsync(reference, token)).Status);
        Assert.Equal(ConfirmationStatus.InvalidLink, (await _harness.Service.DelistAsync(reference, token, null)).Status);
        Assert.True(await _harness.IsListedAsync("203.0.113.7"));
    }

    [Fact]
    public async Task ResendIsAllowedOnceAMinuteAndThreeTimes()
    {
        await _harness.ListAsync("203.0.113.7");
        var submitted = await _harness.SubmitAsync(Email, "203.0.113.7", null);
        var reference = submitted.Request!.Reference;
        await _harness.DeliverMailAsync();

        Assert.Equal(ResendOutcome.TooSoon, (await _harness.Service.ResendAsync(reference)).Outcome);
        for (var i = 0; i < 3; i++)
        {
            _harness.Clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(ResendOutcome.Sent, (await _harness.Service.ResendAsync(reference)).Outcome);
            await _harness.DeliverMailAsync();
        }
        _harness.Clock.Advance(TimeSpan.FromMinutes(1));
        var refused = await _harness.Service.ResendAsync(reference);

        Assert.Equal(ResendOutcome.LimitReached, refused.Outcome);
        Assert.Equal(0, refused.Request!.ResendsLeft);
        Assert.Equal(4, (await _harness.SentMailAsync()).Count);
    }

    [Fact]
    public async Task OnlyTheNewestMailsLinkWorks()
    {
        await _harness.ListAsync("203.0.113.7");
        await _harness.SubmitAsync(Email, "203.0.113.7", null);
        var (reference, oldToken) = await _harness.LastLinkAsync();
        _harness.Clock.Advance(TimeSpan.FromMinutes(1));
        await _harness.Service.ResendAsync(reference);
        var (_, newToken) = await _harness.LastLinkAsync();

        Assert.Equal(ConfirmationStatus.InvalidLink, (await _harness.Service.OpenAsync(reference, oldToken)).Status);
        Assert.Equal(ConfirmationStatus.Delisted, (await _harness.Service.DelistAsync(reference, newToken, null)).Status);
    }

    [Fact]
    public async Task WithTheMailServerDownTheRequestWaitsAndItsMailGoesOutWhenTheServerIsBack()
    {
        await _harness.ListAsync("203.0.113.7");
        _harness.Mail.ServerDown = true;

        var submitted = await _harness.SubmitAsync(Email, "203.0.113.7", null);
        Assert.Empty(await _harness.SentMailAsync());
        _harness.Mail.ServerDown = false;
        Assert.Empty(await _harness.SentMailAsync());
        _harness.Clock.Advance(TimeSpan.FromMinutes(1.3));
        var (reference, token) = await _harness.LastLinkAsync();

        Assert.Equal(SubmitOutcome.ConfirmationSent, submitted.Outcome);
        Assert.Equal(submitted.Request!.Reference, reference);
        Assert.Equal(ConfirmationStatus.ReadyToDelist, (await _harness.Service.OpenAsync(reference, token)).Status);
    }

    [Fact]
    public async Task AfterTheLastRetryTheMailIsGivenUpAndNoLongerTried()
    {
        await _harness.ListAsync("203.0.113.7");
        _harness.Mail.ServerDown = true;
        await _harness.SubmitAsync(Email, "203.0.113.7", null);

        for (var attempt = 0; attempt < 6; attempt++)
        {
            await _harness.DeliverMailAsync();
            _harness.Clock.Advance(TimeSpan.FromMinutes(10));
        }
        _harness.Mail.ServerDown = false;

        Assert.Empty(await _harness.SentMailAsync());
        await using var db = _harness.Database.CreateDbContext();
        var message = await db.OutboxMessages.SingleAsync();
        Assert.Equal(3, message.Attempts);
        Assert.NotNull(message.GaveUpAt);
        Assert.Null(message.ProtectedToken);
        Assert.Contains("down", message.LastError);
    }

    [Fact]
    public async Task AResendSupersedesMailThatHasNotGoneOutYet()
    {
        await _harness.ListAsync("203.0.113.7");
        _harness.Mail.ServerDown = true;
        var submitted = await _harness.SubmitAsync(Email, "203.0.113.7", null);
        await _harness.DeliverMailAsync();
        _harness.Clock.Advance(TimeSpan.FromMinutes(1));
        await _harness.Service.ResendAsync(submitted.Request!.Reference);
        _harness.Mail.ServerDown = false;

        var sent = await _harness.SentMailAsync();

        // Only the newest link is mailed: the first mail's link would no longer work.
        var mail = Assert.Single(sent);
        var (reference, token) = await _harness.LastLinkAsync();
        Assert.Equal(ConfirmationStatus.ReadyToDelist, (await _harness.Service.OpenAsync(reference, token)).Status);
        await using var db = _harness.Database.CreateDbContext();
        Assert.Single(await db.OutboxMessages.Where(m => m.SupersededAt != null).ToListAsync());
    }

    [Fact]
    public async Task TheOutboxKeepsNoReadableTokenAndNoneAfterSending()
    {
        await _harness.ListAsync("203.0.113.7");
        await _harness.SubmitAsync(Email, "203.0.113.7", null);
        await using var db = _harness.Database.CreateDbContext();
        var queued = await db.OutboxMessages.AsNoTracking().SingleAsync();

        var (_, token) = await _harness.LastLinkAsync();
        var sent = await db.OutboxMessages.AsNoTracking().SingleAsync();

        Assert.DoesNotContain(token, queued.ProtectedToken);
        Assert.Null(sent.ProtectedToken);
        Assert.NotNull(sent.SentAt);
    }

    [Fact]
    public async Task ConcurrentDelistClicksChangeThingsExactlyOnce()
    {
        await _harness.ListAsync("203.0.113.7");
        await _harness.SubmitAsync(Email, "203.0.113.7", null);
        var (reference, token) = await _harness.LastLinkAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(_ => Task.Run(() => _harness.Service.DelistAsync(reference, token, null))));

        Assert.Single(results, r => r.Status == ConfirmationStatus.Delisted);
        Assert.All(results.Where(r => r.Status != ConfirmationStatus.Delisted),
            r => Assert.Equal(ConfirmationStatus.AlreadyCompleted, r.Status));
        await using var db = _harness.Database.CreateDbContext();
        Assert.Equal(1, await db.ListingEvents.CountAsync(e => e.Kind == ListingEventKind.Delisted));
    }

    [Fact]
    public async Task AfterTheSelfServiceLimitTheRequestGoesToReviewAndChangesNothing()
    {
        _harness.Configure = o => o.SelfServiceLimit = 2;
        for (var round = 0; round < 2; round++)
        {
            await _harness.ListAsync("203.0.113.7");
            await _harness.SubmitAsync(Email, "203.0.113.7", null);
            var (reference, token) = await _harness.LastLinkAsync();
            Assert.Equal(ConfirmationStatus.Delisted, (await _harness.Service.DelistAsync(reference, token, null)).Status);
            _harness.Clock.Advance(TimeSpan.FromHours(1));
        }
        await _harness.ListAsync("203.0.113.7");
        await _harness.SubmitAsync(Email, "203.0.113.7", null);
        var (lastReference, lastToken) = await _harness.LastLinkAsync();

        var refused = await _harness.Service.DelistAsync(lastReference, lastToken, "192.0.2.9");

        Assert.Equal(ConfirmationStatus.SentToReview, refused.Status);
        Assert.True(await _harness.IsListedAsync("203.0.113.7"));
        await using var db = _harness.Database.CreateDbContext();
        var request = await db.DelistRequests.SingleAsync(r => r.Reference == lastReference);
        Assert.Equal(DelistRequestState.InReview, request.State);
        Assert.Contains("LimitReached", request.ReviewNote);
        var refusal = await db.ListingEvents.SingleAsync(e => e.Kind == ListingEventKind.Refused);
        Assert.Equal((Email, "192.0.2.9", request.Id), (refusal.ActorName, refusal.ClientAddress, refusal.DelistRequestId!.Value));
        Assert.Equal(ConfirmationStatus.AlreadyCompleted, (await _harness.Service.OpenAsync(lastReference, lastToken)).Status);
    }

    [Fact]
    public async Task SelfServiceDelistsOutsideTheWindowDoNotCount()
    {
        _harness.Configure = o => (o.SelfServiceLimit, o.SelfServiceWindow) = (1, TimeSpan.FromDays(1));
        await _harness.ListAsync("203.0.113.7");
        await _harness.SubmitAsync(Email, "203.0.113.7", null);
        var (reference, token) = await _harness.LastLinkAsync();
        await _harness.Service.DelistAsync(reference, token, null);
        _harness.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        await _harness.ListAsync("203.0.113.7");
        await _harness.SubmitAsync(Email, "203.0.113.7", null);
        (reference, token) = await _harness.LastLinkAsync();

        Assert.Equal(ConfirmationStatus.Delisted, (await _harness.Service.DelistAsync(reference, token, null)).Status);
    }

    [Fact]
    public async Task AListingThatForbidsSelfServiceSendsTheRequestToReview()
    {
        var listing = await _harness.ListAsync("203.0.113.7");
        await _harness.Blocklist.EditAsync(listing.Id, listing.Version, new ListingEdit { SelfServiceAllowed = false }, Actor.Admin("alice"), null);
        await _harness.SubmitAsync(Email, "203.0.113.7", null);
        var (reference, token) = await _harness.LastLinkAsync();

        var result = await _harness.Service.DelistAsync(reference, token, null);

        Assert.Equal(ConfirmationStatus.SentToReview, result.Status);
        Assert.True(await _harness.IsListedAsync("203.0.113.7"));
    }

    private async Task AssertNoRequestsAsync()
    {
        await using var db = _harness.Database.CreateDbContext();
        Assert.Equal(0, await db.DelistRequests.CountAsync());
    }
}

/// <summary>The same tests on the real PostgreSQL server.</summary>
public sealed class DelistServiceOnPostgreSqlTests() : DelistServiceTests(DatabaseProvider.PostgreSQL);
