using System.Net;
using DelistPortal.Blocklist;
using DelistPortal.Blocklist.Index;
using DelistPortal.Delisting;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Blocklist;

/// <summary>
/// Self-service inside a range frees one address (IPv4) or one /64 (IPv6) with an exception; the range stays listed.
/// Exceptions end with their range, follow its expiry, are superseded by a listing of the address itself, can be
/// revoked, and count towards the range's limit. The database and the index (the DNSBL's) answer alike throughout.
/// </summary>
public sealed class RangeExceptionTests : IDisposable
{
    private const string Email = "postmaster@sender.example";
    private static readonly Actor Alice = Actor.Admin("alice");
    private readonly DelistingHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private BlocklistService Blocklist => _harness.Blocklist;

    /// <summary>A sender asks for the address, confirms the mail and clicks Delist IP.</summary>
    private async Task<ConfirmationView> SelfServiceDelistAsync(string address, string email = Email)
    {
        var submitted = await _harness.SubmitAsync(email, address, null);
        Assert.Equal(SubmitOutcome.ConfirmationSent, submitted.Outcome);
        var (reference, token) = await _harness.LastLinkAsync();
        return await _harness.Service.DelistAsync(reference, token, "192.0.2.9");
    }

    /// <summary>Whether the address is listed, asked of the database and of the index; both must say the same.</summary>
    private async Task<bool> ListedAsync(string address)
    {
        var inDatabase = await _harness.IsListedAsync(address);
        var inIndex = _harness.Index.TryFindMostSpecific(IPAddress.Parse(address), out _);
        Assert.True(inDatabase == inIndex, $"{address}: the database says {inDatabase}, the index {inIndex}");
        return inDatabase;
    }

    private async Task<ListingException> TheExceptionAsync(int? ofListing = null)
    {
        await using var db = _harness.Database.CreateDbContext();
        return await db.ListingExceptions.AsNoTracking().SingleAsync(e => ofListing == null || e.ListingId == ofListing);
    }

    private async Task<List<ListingEvent>> EventsAsync(ListingEventKind kind)
    {
        await using var db = _harness.Database.CreateDbContext();
        return await db.ListingEvents.AsNoTracking().Where(e => e.Kind == kind).OrderBy(e => e.Id).ToListAsync();
    }

    [Fact]
    public async Task AnIPv4DelistInsideARangeFreesExactlyThatAddress()
    {
        await _harness.ListAsync("198.51.100.0", 24);

        var result = await SelfServiceDelistAsync("198.51.100.1");

        Assert.Equal(ConfirmationStatus.Delisted, result.Status);
        Assert.Equal(("198.51.100.1", "198.51.100.0/24"), (result.ExceptedNetwork, result.ExceptedFrom));
        Assert.False(await ListedAsync("198.51.100.1"));
        Assert.True(await ListedAsync("198.51.100.0"));
        Assert.True(await ListedAsync("198.51.100.2"));
        Assert.True(await ListedAsync("198.51.100.255"));
        Assert.False(await ListedAsync("198.51.101.1"));
        Assert.Equal(SubmitOutcome.NotListed, (await _harness.SubmitAsync(Email, "198.51.100.1", null)).Outcome);
    }

    [Fact]
    public async Task AnIPv6DelistInsideARangeFreesTheSlash64OfTheAddress()
    {
        await _harness.ListAsync("2001:db8:bad::", 48);

        var result = await SelfServiceDelistAsync("2001:db8:bad:1::25");

        Assert.Equal(("2001:db8:bad:1::/64", "2001:db8:bad::/48"), (result.ExceptedNetwork, result.ExceptedFrom));
        Assert.Equal("2001:db8:bad:1::/64", (await TheExceptionAsync()).Network);
        Assert.False(await ListedAsync("2001:db8:bad:1::25"));
        Assert.False(await ListedAsync("2001:db8:bad:1:ffff::1"));
        Assert.True(await ListedAsync("2001:db8:bad:2::25"));
        Assert.True(await ListedAsync("2001:db8:bad::1"));
    }

    [Fact]
    public async Task TheAddressItselfIsRemovedAndEveryRangeAroundItGetsAnException()
    {
        var single = await _harness.ListAsync("198.51.100.7");
        var range = await _harness.ListAsync("198.51.100.0", 24);
        var wide = await _harness.ListAsync("198.51.0.0", 16);

        var result = await SelfServiceDelistAsync("198.51.100.7");

        Assert.Equal(("198.51.100.7", "198.51.100.7", "198.51.100.0/24, 198.51.0.0/16"), (result.DelistedNetworks, result.ExceptedNetwork, result.ExceptedFrom));
        Assert.False(await ListedAsync("198.51.100.7"));
        Assert.True(await ListedAsync("198.51.100.8"));
        Assert.True(await ListedAsync("198.51.7.7"));
        await using var db = _harness.Database.CreateDbContext();
        Assert.Equal(ListingStatus.Delisted, (await db.Listings.SingleAsync(l => l.Id == single.Id)).Status);
        Assert.All(await db.Listings.Where(l => l.Id == range.Id || l.Id == wide.Id).ToListAsync(), l => Assert.Equal(ListingStatus.Active, l.Status));
        Assert.Equal([range.Id, wide.Id], (await db.ListingExceptions.OrderBy(e => e.Id).ToListAsync()).Select(e => e.ListingId));
    }

    [Theory]
    [InlineData(30, "198.51.100.4/30", "198.51.100.6", "198.51.100.8")]
    [InlineData(24, "198.51.100.0/24", "198.51.100.200", "198.51.101.1")]
    public async Task TheExceptionPrefixIsASettingAndNarrowerListingsAreRemoved(int prefix, string excepted, string alsoFreed, string stillListed)
    {
        _harness.Configure = o => o.ExceptionPrefixIPv4 = prefix;
        var narrow = await _harness.ListAsync("198.51.100.6", 31);
        await _harness.ListAsync("198.51.0.0", 16);

        var result = await SelfServiceDelistAsync("198.51.100.7");

        Assert.Equal(("198.51.100.6/31", excepted, "198.51.0.0/16"), (result.DelistedNetworks, result.ExceptedNetwork, result.ExceptedFrom));
        Assert.False(await ListedAsync(alsoFreed));
        Assert.True(await ListedAsync(stillListed));
        await using var db = _harness.Database.CreateDbContext();
        Assert.Equal(ListingStatus.Delisted, (await db.Listings.SingleAsync(l => l.Id == narrow.Id)).Status);
    }

    [Fact]
    public async Task AnExceptionEndsWithItsRangeWhenTheRangeIsDelisted()
    {
        var range = await _harness.ListAsync("198.51.100.0", 24);
        await SelfServiceDelistAsync("198.51.100.1");
        var current = (await Blocklist.ActiveContainingAsync(IPAddress.Parse("198.51.100.2"))).Single();

        await Blocklist.DelistAsync(current.Id, current.Version, Alice, "cleaned up", "192.0.2.50");

        var exception = await TheExceptionAsync();
        Assert.Equal((ListingExceptionStatus.RangeEnded, "alice"), (exception.Status, exception.EndedBy));
        var ended = Assert.Single(await EventsAsync(ListingEventKind.ExceptionEnded));
        Assert.Equal((range.Id, "alice"), (ended.ListingId, ended.ActorName));
        Assert.Contains("198.51.100.1", ended.Reason);

        // Listed again later, the range lists the address again: the exception belonged to the old listing.
        await _harness.ListAsync("198.51.100.0", 24);
        Assert.True(await ListedAsync("198.51.100.1"));
    }

    [Fact]
    public async Task AnExceptionEndsWithItsRangeAtTheRangesExpiry()
    {
        await _harness.ListAsync("198.51.0.0", 16);
        var expires = DelistingHarness.Start.AddHours(2);
        var range = (await Blocklist.ListAsync(new ListingDraft(IpNetwork.Parse("198.51.100.0/24"), ListingReason.Malware, "botnet", ListingSource.Admin) { ExpiresAt = expires }, Alice, null)).Listing!;
        await SelfServiceDelistAsync("198.51.100.1");
        Assert.False(await ListedAsync("198.51.100.1"));
        Assert.Equal(expires, (await TheExceptionAsync(range.Id)).ExpiresAt);

        // The /16 has its own exception (a permanent one); revoke it to see the /24's end on its own.
        var wide = await TheExceptionAsync(ofListing: (await Blocklist.ActiveContainingAsync(IPAddress.Parse("198.51.7.7"))).Single().Id);
        await Blocklist.RevokeExceptionAsync(wide.Id, wide.Version, Alice, null, null);
        Assert.False(await ListedAsync("198.51.100.1"));

        // At the range's expiry the exception stops freeing the address from the wider /16 at once, before it is recorded.
        _harness.Clock.SetUtcNow(expires);
        Assert.True(await ListedAsync("198.51.100.1"));

        Assert.Equal(1, await Blocklist.RecordExpiriesAsync());
        var exception = await TheExceptionAsync(range.Id);
        Assert.Equal((ListingExceptionStatus.RangeEnded, expires, "system"), (exception.Status, exception.EndedAt, exception.EndedBy));
        Assert.Equal(expires, Assert.Single(await EventsAsync(ListingEventKind.ExceptionEnded)).At);
    }

    [Fact]
    public async Task AnExceptionFollowsItsRangesExpiryWhenAnAdminEditsIt()
    {
        var range = await _harness.ListAsync("198.51.100.0", 24);
        await SelfServiceDelistAsync("198.51.100.1");
        var current = (await Blocklist.ActiveContainingAsync(IPAddress.Parse("198.51.100.2"))).Single();
        var later = DelistingHarness.Start.AddDays(3);

        Assert.True((await Blocklist.EditAsync(range.Id, current.Version, new ListingEdit { ExpiresAt = later }, Alice, null)).Succeeded);

        Assert.Equal(later, (await TheExceptionAsync()).ExpiresAt);
        _harness.Clock.SetUtcNow(later);
        Assert.False(await ListedAsync("198.51.100.1"));
        Assert.False(await ListedAsync("198.51.100.2"));
    }

    [Fact]
    public async Task ARelistedAddressSupersedesItsException()
    {
        var range = await _harness.ListAsync("198.51.100.0", 24);
        await SelfServiceDelistAsync("198.51.100.1");

        var relisted = await _harness.ListAsync("198.51.100.1");

        Assert.True(await ListedAsync("198.51.100.1"));
        Assert.True(_harness.Index.TryFindMostSpecific(IPAddress.Parse("198.51.100.1"), out var hit));
        Assert.Equal(relisted.Id, hit.ListingId);
        var exception = await TheExceptionAsync();
        Assert.Equal((ListingExceptionStatus.Superseded, "test-admin"), (exception.Status, exception.EndedBy));
        var ended = Assert.Single(await EventsAsync(ListingEventKind.ExceptionEnded));
        Assert.Equal(range.Id, ended.ListingId);
        Assert.Contains("superseded", ended.Reason);

        // Once the address's own listing goes, the range lists it again: the exception is over.
        await Blocklist.DelistAsync(relisted.Id, relisted.Version, Alice, "done", null);
        Assert.True(await ListedAsync("198.51.100.1"));
    }

    [Fact]
    public async Task AnImportOfTheAddressSupersedesItsExceptionToo()
    {
        await _harness.ListAsync("2001:db8:bad::", 48);
        await SelfServiceDelistAsync("2001:db8:bad:1::25");

        var results = await Blocklist.ListManyAsync(
            [new ListingDraft(IpNetwork.Parse("2001:db8:bad:1::/64"), ListingReason.Spam, "seen again", ListingSource.Import), new ListingDraft(IpNetwork.Parse("203.0.113.9"), ListingReason.Spam, "other", ListingSource.Import)],
            Alice, null);

        Assert.All(results, r => Assert.Equal(ChangeOutcome.Done, r.Outcome));
        Assert.Equal(ListingExceptionStatus.Superseded, (await TheExceptionAsync()).Status);
        Assert.True(await ListedAsync("2001:db8:bad:1::25"));
    }

    [Fact]
    public async Task AfterTheRangeExceptionLimitTheNextRequestInTheRangeGoesToReview()
    {
        _harness.Configure = o => o.RangeExceptionLimit = 2;
        await _harness.ListAsync("198.51.100.0", 24);
        await SelfServiceDelistAsync("198.51.100.1", "a@sender.example");
        await SelfServiceDelistAsync("198.51.100.2", "b@sender.example");

        var third = await SelfServiceDelistAsync("198.51.100.3", "c@sender.example");

        Assert.Equal(ConfirmationStatus.SentToReview, third.Status);
        Assert.True(await ListedAsync("198.51.100.3"));
        Assert.False(await ListedAsync("198.51.100.2"));
        await using var db = _harness.Database.CreateDbContext();
        var request = await db.DelistRequests.SingleAsync(r => r.Email == "c@sender.example");
        Assert.Equal(DelistRequestState.InReview, request.State);
        Assert.Contains("RangeExceptionLimitReached", request.ReviewNote);
        Assert.Equal(2, await db.ListingExceptions.CountAsync());
        Assert.Single(await EventsAsync(ListingEventKind.Refused));
    }

    [Fact]
    public async Task ExceptionsOutsideTheWindowDoNotCountTowardsTheLimit()
    {
        _harness.Configure = o => (o.RangeExceptionLimit, o.SelfServiceWindow) = (1, TimeSpan.FromDays(1));
        await _harness.ListAsync("198.51.100.0", 24);
        await SelfServiceDelistAsync("198.51.100.1", "a@sender.example");
        _harness.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));

        Assert.Equal(ConfirmationStatus.Delisted, (await SelfServiceDelistAsync("198.51.100.2", "b@sender.example")).Status);
        Assert.Equal(ConfirmationStatus.SentToReview, (await SelfServiceDelistAsync("198.51.100.3", "c@sender.example")).Status);
    }

    [Fact]
    public async Task ARangeMarkedNoSelfServiceSendsTheRequestToReview()
    {
        var range = await _harness.ListAsync("198.51.100.0", 24);
        await Blocklist.EditAsync(range.Id, range.Version, new ListingEdit { SelfServiceAllowed = false }, Alice, null);

        var result = await SelfServiceDelistAsync("198.51.100.1");

        Assert.Equal(ConfirmationStatus.SentToReview, result.Status);
        Assert.True(await ListedAsync("198.51.100.1"));
        await using var db = _harness.Database.CreateDbContext();
        Assert.Empty(await db.ListingExceptions.ToListAsync());
    }

    [Fact]
    public async Task AnAdminRevokesAnExceptionAndTheRangeListsTheAddressAgain()
    {
        var range = await _harness.ListAsync("198.51.100.0", 24);
        await SelfServiceDelistAsync("198.51.100.1");
        var exception = await TheExceptionAsync();

        var revoked = await Blocklist.RevokeExceptionAsync(exception.Id, exception.Version, Alice, "still spamming", "192.0.2.50");
        var again = await Blocklist.RevokeExceptionAsync(exception.Id, exception.Version, Alice, null, null);

        Assert.Equal(ChangeOutcome.Done, revoked.Outcome);
        Assert.Equal(ChangeOutcome.Conflict, again.Outcome);
        Assert.True(await ListedAsync("198.51.100.1"));
        Assert.Equal((ListingExceptionStatus.Revoked, "alice"), ((await TheExceptionAsync()).Status, (await TheExceptionAsync()).EndedBy));
        var entry = Assert.Single(await EventsAsync(ListingEventKind.ExceptionRevoked));
        Assert.Equal((range.Id, "alice", "192.0.2.50"), (entry.ListingId, entry.ActorName, entry.ClientAddress));
        Assert.Contains("still spamming", entry.Reason);
    }

    [Fact]
    public async Task TheRangesExceptionsListWhoWhenAndWhichRequest()
    {
        var range = await _harness.ListAsync("198.51.100.0", 24);
        var result = await SelfServiceDelistAsync("198.51.100.1");

        var exceptions = new DelistPortal.Admin.RangeExceptionAdminService(Blocklist, _harness.Database, _harness.Clock);

        var view = Assert.Single(await exceptions.ExceptionsOfAsync(Principals.Viewer(), range));

        Assert.True(view.IsActive);
        Assert.Equal(result.Reference, view.RequestReference);
        Assert.Equal(("198.51.100.1", Email, DelistingHarness.Start), (view.Exception.Network, view.Exception.ActorName, view.Exception.CreatedAt));
    }

    [Fact]
    public async Task AnotherProcessLoadsTheExceptionsWithTheListings()
    {
        await _harness.ListAsync("198.51.100.0", 24);
        await SelfServiceDelistAsync("198.51.100.1");

        var other = new BlocklistIndex(_harness.Clock);
        await _harness.NewFollower(other).LoadAsync();

        Assert.False(other.TryFindMostSpecific(IPAddress.Parse("198.51.100.1"), out _));
        Assert.True(other.TryFindMostSpecific(IPAddress.Parse("198.51.100.2"), out _));
        Assert.Equal(2, other.Count);
    }

    [Fact]
    public async Task TheConfirmationMailAndTheStatusPageSayWhatIsFreed()
    {
        await _harness.ListAsync("198.51.100.0", 24);
        var submitted = await _harness.SubmitAsync(Email, "198.51.100.1", null);
        var mail = (await _harness.SentMailAsync())[^1];
        var (reference, token) = await _harness.LastLinkAsync();
        var opened = await _harness.Service.OpenAsync(reference, token);

        await _harness.Service.DelistAsync(reference, token, null);
        var status = await _harness.StatusQuery.FindAsync(submitted.Request!.Reference);

        Assert.Contains("198.51.100.1 lies in 198.51.100.0/24, which is listed as a whole. Confirming frees 198.51.100.1 only", mail.TextBody);
        Assert.Contains("198.51.100.0/24 stays listed for every other address", System.Net.WebUtility.HtmlDecode(mail.HtmlBody));
        Assert.Equal((ConfirmationStatus.ReadyToDelist, "198.51.100.1", "198.51.100.0/24"), (opened.Status, opened.ExceptedNetwork, opened.ExceptedFrom));
        Assert.Equal((DelistRequestState.Delisted, null, "198.51.100.1", "198.51.100.0/24"),
            (status!.State, status.DelistedNetworks, status.ExceptedNetwork, status.ExceptedFrom));
    }
}
