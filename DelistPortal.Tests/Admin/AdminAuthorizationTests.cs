using System.Security.Claims;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Delisting;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Admin;

/// <summary>
/// The services check the caller themselves: a viewer or an anonymous caller cannot change anything, whichever page,
/// dialog or (future) client calls them. Each test checks the database afterwards, not only the exception.
/// </summary>
public sealed class AdminAuthorizationTests : IDisposable
{
    private readonly DelistingHarness _harness = new();
    private readonly ServiceProvider _services;

    public AdminAuthorizationTests() => _services = _harness.BuildAdminProvider();

    public static TheoryData<string> Outsiders => ["viewer", "anonymous"];

    private static ClaimsPrincipal Caller(string who) => who == "viewer" ? Principals.Viewer() : Principals.Anonymous;

    [Theory, MemberData(nameof(Outsiders))]
    public async Task AViewerOrAnonymousCallerCannotChangeListingsThroughTheService(string who)
    {
        var listing = await _harness.ListAsync("203.0.113.7");
        var service = _services.GetRequiredService<ListingAdminService>();
        var draft = new ListingDraft(IpNetwork.Parse("203.0.113.9"), ListingReason.Spam, "Spam run.", ListingSource.Admin);
        var before = await SnapshotAsync();

        await Assert.ThrowsAsync<AdminAccessDeniedException>(() => service.AddAsync(Caller(who), draft, null));
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() => service.EditAsync(Caller(who), listing.Id, listing.Version, new ListingEdit { Detail = "changed" }, null));
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() => service.DelistAsync(Caller(who), listing.Id, listing.Version, "no", null));
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() => service.BulkDelistAsync(Caller(who), [(listing.Id, listing.Version)], "no", null));

        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory, MemberData(nameof(Outsiders))]
    public async Task AViewerOrAnonymousCallerCannotImportOrDecideReviews(string who)
    {
        var request = await RequestInReviewAsync();
        var importer = _services.GetRequiredService<ListingImporter>();
        var reviews = _services.GetRequiredService<ReviewService>();
        var jobs = _services.GetRequiredService<ImportJobs>();
        var csv = "network,reason,detail\n203.0.113.50,Spam,x\n"u8.ToArray();
        var staged = await jobs.StageAsync(Principals.Admin(), new MemoryStream(csv), "one.csv", null);
        var before = await SnapshotAsync();

        await Assert.ThrowsAsync<AdminAccessDeniedException>(() => importer.ImportAsync(Caller(who), new MemoryStream(csv), null, null));
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() => jobs.StartAsync(Caller(who), staged, 1, null));
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() => reviews.ApproveAsync(Caller(who), request.Id, null, null));
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() => reviews.DenyAsync(Caller(who), request.Id, "no", null));

        Assert.Equal(before, await SnapshotAsync());
        Assert.Empty(_harness.Mail.Sent);
    }

    [Fact]
    public async Task AnAnonymousCallerCannotReadAnything()
    {
        var anonymous = Principals.Anonymous;
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() =>
            _services.GetRequiredService<ListingAdminService>().QueryAsync(anonymous, new ListingPageRequest(new ListingFilter(), 10)));
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() =>
            _services.GetRequiredService<ListingAdminService>().CountAsync(anonymous, new ListingFilter()));
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() =>
            _services.GetRequiredService<HistoryService>().QueryAsync(anonymous, new HistoryPageRequest(new HistoryFilter(), new PageMove<ListingEvent>(PageAt.First, null, null, true), 10)));
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() =>
            _services.GetRequiredService<ReviewService>().QueryAsync(anonymous, new RequestFilter(), 0, 10));
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() =>
            _services.GetRequiredService<DashboardService>().LoadAsync(anonymous));
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() =>
            _services.GetRequiredService<ListingExporter>().WriteCsvAsync(anonymous, new ListingFilter(), Stream.Null));
    }

    [Fact]
    public async Task AViewerCanReadEverything()
    {
        await _harness.ListAsync("203.0.113.7");
        var viewer = Principals.Viewer();

        var page = await _services.GetRequiredService<ListingAdminService>().QueryAsync(viewer, new ListingPageRequest(new ListingFilter(), 10));
        var figures = await _services.GetRequiredService<DashboardService>().LoadAsync(viewer);

        Assert.Single(page.Items);
        Assert.Equal(1, figures.ActiveListings);
    }

    [Fact]
    public async Task AnAdminChangeIsRecordedWithTheAdminsName()
    {
        var listing = await _harness.ListAsync("203.0.113.7");

        var result = await _services.GetRequiredService<ListingAdminService>().DelistAsync(Principals.Admin("alice"), listing.Id, listing.Version, "Cleaned up", "192.0.2.200");

        Assert.True(result.Succeeded);
        await using var db = _harness.Database.CreateDbContext();
        var delisted = await db.ListingEvents.SingleAsync(e => e.Kind == ListingEventKind.Delisted);
        Assert.Equal((ActorKind.Admin, "alice", "Cleaned up"), (delisted.ActorKind, delisted.ActorName, delisted.Reason));
    }

    private async Task<DelistRequest> RequestInReviewAsync()
    {
        await _harness.ListAsync("203.0.113.7");
        await using var db = _harness.Database.CreateDbContext();
        var request = new DelistRequest
        {
            Id = Guid.NewGuid(), Reference = RequestReference.New(), Email = "sender@example.org", IpAddress = System.Net.IPAddress.Parse("203.0.113.7"),
            CreatedAt = _harness.Clock.GetUtcNow(), TokenHash = [], TokenExpiresAt = _harness.Clock.GetUtcNow().AddMinutes(30),
        };
        request.MarkInReview(_harness.Clock.GetUtcNow(), null, "test");
        db.DelistRequests.Add(request);
        await db.SaveChangesAsync();
        return request;
    }

    private async Task<string> SnapshotAsync()
    {
        await using var db = _harness.Database.CreateDbContext();
        var listings = await db.Listings.OrderBy(l => l.Id).Select(l => $"{l.Network}:{l.Status}:{l.Version}:{l.Detail}").ToListAsync();
        var events = await db.ListingEvents.CountAsync();
        var requests = await db.DelistRequests.OrderBy(r => r.Id).Select(r => $"{r.Reference}:{r.State}").ToListAsync();
        return $"{string.Join("|", listings)} events={events} {string.Join("|", requests)}";
    }

    public void Dispose()
    {
        _services.Dispose();
        _harness.Dispose();
    }
}
