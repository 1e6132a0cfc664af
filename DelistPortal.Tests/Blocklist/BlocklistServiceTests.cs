using System.Net;
using DelistPortal.Blocklist;
using DelistPortal.Blocklist.Index;
using DelistPortal.ChangeLog;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using System.Data.Common;
using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DelistPortal.Tests.Blocklist;

/// <summary>Runs on SQLite; <see cref="BlocklistServiceOnPostgreSqlTests"/> runs the same tests on PostgreSQL.</summary>
public class BlocklistServiceTests : IDisposable
{
    private static readonly Actor Alice = Actor.Admin("alice");
    private static readonly Actor Bob = Actor.Admin("bob");
    private readonly DelistingHarness _harness;

    public BlocklistServiceTests()
        : this(DatabaseProvider.Sqlite)
    {
    }

    protected BlocklistServiceTests(DatabaseProvider provider) => (_harness = new(provider)).Configure = o =>
    {
        o.BaseLifetime = TimeSpan.FromDays(1);
        o.EscalationFactor = 2;
        o.MaxLifetime = TimeSpan.FromDays(5);
        o.RelistWindow = TimeSpan.FromDays(30);
    };

    public void Dispose()
    {
        _harness.Dispose();
        GC.SuppressFinalize(this);
    }

    private BlocklistService Blocklist => _harness.Blocklist;

    private static ListingDraft Draft(string network, ListingSource source = ListingSource.Api) =>
        new(IpNetworkInput.Parse(network).Network!.Value, ListingReason.Spam, "Spam run seen by sensor 4", source);

    private async Task<IReadOnlyList<Listing>> ActiveAsync(string address) =>
        await Blocklist.ActiveContainingAsync(IPAddress.Parse(address));

    [Fact]
    public async Task ListingRecordsAListedEventWithActorTimeAndClient()
    {
        var result = await Blocklist.ListAsync(Draft("203.0.113.7"), Actor.ApiKey("sensor-4"), "192.0.2.50");

        Assert.True(result.Succeeded);
        var history = await Blocklist.HistoryAsync(IpNetwork.Single(IPAddress.Parse("203.0.113.7")));
        var listed = Assert.Single(history);
        Assert.Equal(ListingEventKind.Listed, listed.Kind);
        Assert.Equal((ActorKind.ApiKey, "sensor-4"), (listed.ActorKind, listed.ActorName));
        Assert.Equal(DelistingHarness.Start, listed.At);
        Assert.Equal("192.0.2.50", listed.ClientAddress);
        Assert.Equal(result.Listing!.Id, listed.ListingId);
    }

    [Fact]
    public async Task AFirstListingGetsTheBaseLifetimeUnlessGivenOne()
    {
        var byPolicy = await Blocklist.ListAsync(Draft("203.0.113.7"), Alice, null);
        var explicitEnd = await Blocklist.ListAsync(Draft("203.0.113.8") with { ExpiresAt = DelistingHarness.Start.AddHours(3) }, Alice, null);
        var permanent = await Blocklist.ListAsync(Draft("203.0.113.9") with { Permanent = true }, Alice, null);

        Assert.Equal(DelistingHarness.Start.AddDays(1), byPolicy.Listing!.ExpiresAt);
        Assert.Equal(DelistingHarness.Start.AddHours(3), explicitEnd.Listing!.ExpiresAt);
        Assert.Null(permanent.Listing!.ExpiresAt);
    }

    [Fact]
    public async Task ListingAnActiveNetworkAgainIsRefused()
    {
        await Blocklist.ListAsync(Draft("198.51.100.0/24"), Alice, null);

        var again = await Blocklist.ListAsync(Draft("198.51.100.0/24"), Bob, null);

        Assert.Equal(ChangeOutcome.AlreadyListed, again.Outcome);
        Assert.Single(await ActiveAsync("198.51.100.1"));
    }

    [Fact]
    public async Task TwoWritersListingTheSameNetworkAtOnceMakeOneListing()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            Task.Run(() => Blocklist.ListAsync(Draft("198.51.100.0/24"), Alice, null))));

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(ChangeOutcome.AlreadyListed, r.Outcome));
        Assert.Single(await ActiveAsync("198.51.100.1"));
    }

    [Fact]
    public async Task RelistingEscalatesTheLifetimeAndCountsEarlierListings()
    {
        var lifetimes = new List<TimeSpan>();
        for (var round = 0; round < 5; round++)
        {
            var listed = await Blocklist.ListAsync(Draft("203.0.113.7"), Actor.ApiKey("sensor"), null);
            Assert.Equal(round, listed.Listing!.TimesListedBefore);
            lifetimes.Add(listed.Listing.ExpiresAt!.Value - _harness.Clock.GetUtcNow());
            await Blocklist.DelistAsync(listed.Listing.Id, listed.Listing.Version, Alice, "fixed", null);
            _harness.Clock.Advance(TimeSpan.FromHours(1));
        }

        Assert.Equal([1, 2, 4, 5, 5], lifetimes.Select(l => (int)l.TotalDays));
        var kinds = (await Blocklist.HistoryAsync(IpNetwork.Single(IPAddress.Parse("203.0.113.7")))).Select(e => e.Kind).ToList();
        Assert.Equal(1, kinds.Count(k => k == ListingEventKind.Listed));
        Assert.Equal(4, kinds.Count(k => k == ListingEventKind.Relisted));
    }

    [Fact]
    public async Task ListingInBatchesEscalatesRelistsAndWritesTheHistoryLikeListingOneAtATime()
    {
        var lifetimes = new List<TimeSpan>();
        for (var round = 0; round < 5; round++)
        {
            var results = await Blocklist.ListManyAsync([Draft("203.0.113.7"), Draft("203.0.113.7"), Draft("203.0.113.8") with { Detail = " " }], Alice, "192.0.2.50");
            Assert.Equal([ChangeOutcome.Done, ChangeOutcome.AlreadyListed, ChangeOutcome.Invalid], results.Select(r => r.Outcome));
            var listed = results[0].Listing!;
            Assert.Equal(round, listed.TimesListedBefore);
            lifetimes.Add(listed.ExpiresAt!.Value - _harness.Clock.GetUtcNow());
            await Blocklist.DelistAsync(listed.Id, listed.Version, Alice, "fixed", null);
            _harness.Clock.Advance(TimeSpan.FromHours(1));
        }

        Assert.Equal([1, 2, 4, 5, 5], lifetimes.Select(l => (int)l.TotalDays));
        var history = await Blocklist.HistoryAsync(IpNetwork.Single(IPAddress.Parse("203.0.113.7")));
        Assert.Equal(1, history.Count(e => e.Kind == ListingEventKind.Listed));
        Assert.Equal(4, history.Count(e => e.Kind == ListingEventKind.Relisted));
        Assert.All(history.Where(e => e.Kind is ListingEventKind.Listed or ListingEventKind.Relisted),
            e => Assert.Equal((ActorKind.Admin, "alice", "192.0.2.50", "Spam run seen by sensor 4"), (e.ActorKind, e.ActorName, e.ClientAddress, e.Reason)));
    }

    [Fact]
    public async Task AListingMadeInABatchReadsBackLikeOneListedAlone()
    {
        ListingDraft Full(string network) => Draft(network, ListingSource.Import) with
        {
            Reason = ListingReason.Malware,
            Detail = "  Botnet C&C \"7\", naïve ü, 'quoted' \\ back\nslash  ",
            ExpiresAt = DelistingHarness.Start.AddDays(3).AddMilliseconds(123),
            SelfServiceAllowed = false,
            Evidence = new ListingEvidence { FirstSeen = DelistingHarness.Start.AddDays(-2), LastSeen = DelistingHarness.Start.AddMinutes(-1), HeloName = "mail.example", SampleCount = 42 },
        };
        var alone = (await Blocklist.ListAsync(Full("203.0.113.7"), Actor.ApiKey("sensor-4"), "192.0.2.50")).Listing!;
        var batched = (await Blocklist.ListManyAsync([Full("2001:db8:bad::/48")], Actor.ApiKey("sensor-4"), "192.0.2.50"))[0].Listing!;

        await using var db = _harness.Database.CreateDbContext();
        var (a, b) = (await db.Listings.AsNoTracking().SingleAsync(l => l.Id == alone.Id), await db.Listings.AsNoTracking().SingleAsync(l => l.Id == batched.Id));
        Assert.Equal(("2001:db8:bad::/48", IpNetwork.Parse("2001:db8:bad::/48").StartKey, IpNetwork.Parse("2001:db8:bad::/48").EndKey, 48),
            (b.Network, b.RangeStart, b.RangeEnd, b.PrefixLength));
        Assert.Equal(Fields(a), Fields(b));
        var (eventA, eventB) = (await db.ListingEvents.AsNoTracking().SingleAsync(e => e.ListingId == a.Id), await db.ListingEvents.AsNoTracking().SingleAsync(e => e.ListingId == b.Id));
        Assert.Equal((b.Network, b.RangeStart, b.RangeEnd), (eventB.Network, eventB.RangeStart, eventB.RangeEnd));
        Assert.Equal(EventFields(eventA), EventFields(eventB));

        static object?[] Fields(Listing l) => [l.Reason, l.Detail, l.Evidence, l.Source, l.ListedAt, l.ExpiresAt, l.Status, l.EndedAt,
            l.SelfServiceAllowed, l.TimesListedBefore, l.DelistRequestId, l.Version];
        static object?[] EventFields(ListingEvent e) => [e.Kind, e.ActorKind, e.ActorName, e.At, e.ClientAddress, e.Reason, e.DelistRequestId];
    }

    [Fact]
    public async Task ABatchThatMeetsAListingMadeMeanwhileReportsItAndListsTheRest()
    {
        var meanwhile = new BeforeTheNextTransaction();
        var index = new BlocklistIndex(_harness.Clock);
        ChangeLogFollower? follower = null;
        using var database = new TemporaryDatabase(_harness.Database.Provider, new ChangeLogCommitSignal(() => follower), meanwhile);
        follower = DelistingHarness.FollowerOf(database, index, _harness.Clock);
        await follower.LoadAsync();
        var blocklist = new BlocklistService(database, new ListingPolicy(Options.Create(new BlocklistOptions())), _harness.Clock, NullLogger<BlocklistService>.Instance);
        // After the batch has looked for earlier listings, and before it writes, Bob lists one of its networks.
        meanwhile.Run = () => blocklist.ListAsync(Draft("203.0.113.8"), Bob, null);

        var results = await blocklist.ListManyAsync([Draft("203.0.113.7"), Draft("203.0.113.8"), Draft("203.0.113.9")], Alice, null);

        Assert.Equal([ChangeOutcome.Done, ChangeOutcome.AlreadyListed, ChangeOutcome.Done], results.Select(r => r.Outcome));
        await using var db = database.CreateDbContext();
        Assert.Equal(["203.0.113.8", "203.0.113.7", "203.0.113.9"], await db.Listings.OrderBy(l => l.Id).Select(l => l.Network).ToListAsync());
        Assert.Equal(["bob", "alice", "alice"], await db.ListingEvents.OrderBy(e => e.Id).Select(e => e.ActorName).ToListAsync());
        Assert.All(["203.0.113.7", "203.0.113.8", "203.0.113.9"], a => Assert.True(index.TryFindMostSpecific(IPAddress.Parse(a), out _)));
    }

    /// <summary>Runs <see cref="Run"/> once, just before the next transaction begins (on another context, so no lock is held).</summary>
    private sealed class BeforeTheNextTransaction : DbTransactionInterceptor
    {
        public Func<Task>? Run { get; set; }

        public override async ValueTask<InterceptionResult<System.Data.Common.DbTransaction>> TransactionStartingAsync(System.Data.Common.DbConnection connection,
            TransactionStartingEventData eventData, InterceptionResult<System.Data.Common.DbTransaction> result, CancellationToken cancellationToken = default)
        {
            if (Run is { } run)
            {
                Run = null;
                await run();
            }
            return result;
        }
    }

    [Fact]
    public async Task EarlierListingsOutsideTheRelistWindowDoNotEscalate()
    {
        var first = await Blocklist.ListAsync(Draft("203.0.113.7"), Alice, null);
        await Blocklist.DelistAsync(first.Listing!.Id, first.Listing.Version, Alice, "fixed", null);
        _harness.Clock.Advance(TimeSpan.FromDays(31));

        var again = await Blocklist.ListAsync(Draft("203.0.113.7"), Alice, null);

        Assert.Equal(1, again.Listing!.TimesListedBefore);
        Assert.Equal(_harness.Clock.GetUtcNow().AddDays(1), again.Listing.ExpiresAt);
    }

    [Fact]
    public async Task TwoWorkersRecordingExpiriesAtOnceRecordEachExpiryOnce()
    {
        var drafts = Enumerable.Range(1, 60).Select(i => Draft($"203.0.113.{i}") with { ExpiresAt = DelistingHarness.Start.AddMinutes(10) }).ToList();
        await Blocklist.ListManyAsync(drafts, Alice, null);
        _harness.Clock.Advance(TimeSpan.FromMinutes(11));
        // A second worker process: its own service on the same database.
        var other = new BlocklistService(_harness.Database, new ListingPolicy(Options.Create(new BlocklistOptions())), _harness.Clock, NullLogger<BlocklistService>.Instance);

        var rounds = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => (i % 2 == 0 ? Blocklist : other).RecordExpiriesAsync())));
        var recorded = rounds.Sum() + await Blocklist.RecordExpiriesAsync() + await other.RecordExpiriesAsync();

        Assert.Equal(60, recorded);
        await using var db = _harness.Database.CreateDbContext();
        Assert.Equal(60, await db.ListingEvents.CountAsync(e => e.Kind == ListingEventKind.Expired));
        Assert.Equal(60, await db.Listings.CountAsync(l => l.Status == ListingStatus.Expired));
    }

    [Fact]
    public async Task AListingStopsMatchingAtItsExpiryAndTheWorkerRecordsIt()
    {
        var listed = await Blocklist.ListAsync(Draft("203.0.113.7") with { ExpiresAt = DelistingHarness.Start.AddMinutes(10) }, Alice, null);

        _harness.Clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMilliseconds(1));
        Assert.Single(await ActiveAsync("203.0.113.7"));
        _harness.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Empty(await ActiveAsync("203.0.113.7"));

        Assert.Equal(1, await Blocklist.RecordExpiriesAsync());
        Assert.Equal(0, await Blocklist.RecordExpiriesAsync());
        await using var db = _harness.Database.CreateDbContext();
        var stored = await db.Listings.SingleAsync(l => l.Id == listed.Listing!.Id);
        Assert.Equal((ListingStatus.Expired, DelistingHarness.Start.AddMinutes(10)), (stored.Status, stored.EndedAt));
        var expired = await db.ListingEvents.SingleAsync(e => e.Kind == ListingEventKind.Expired);
        Assert.Equal(ActorKind.System, expired.ActorKind);
    }

    [Fact]
    public async Task TheMostSpecificListingComesFirstAndEdgesOfARangeMatch()
    {
        await Blocklist.ListAsync(Draft("198.51.100.0/24"), Alice, null);
        await Blocklist.ListAsync(Draft("198.51.100.128/25"), Alice, null);
        await Blocklist.ListAsync(Draft("198.51.100.200"), Alice, null);

        Assert.Equal(["198.51.100.200", "198.51.100.128/25", "198.51.100.0/24"], (await ActiveAsync("198.51.100.200")).Select(l => l.Network));
        Assert.Equal(["198.51.100.128/25", "198.51.100.0/24"], (await ActiveAsync("198.51.100.255")).Select(l => l.Network));
        Assert.Equal(["198.51.100.0/24"], (await ActiveAsync("198.51.100.0")).Select(l => l.Network));
        Assert.Empty(await ActiveAsync("198.51.101.0"));
        Assert.Empty(await ActiveAsync("198.51.99.255"));
        Assert.Equal(["198.51.100.128/25", "198.51.100.0/24"], (await ActiveAsync("::ffff:198.51.100.129")).Select(l => l.Network));
    }

    [Fact]
    public async Task IPv4AndIPv6ListingsNeverMatchTheOtherFamily()
    {
        // 64:ff9b::/96 (NAT64) embeds IPv4 addresses in IPv6 ones: still a different family.
        await Blocklist.ListAsync(Draft("64:ff9b::/96"), Alice, null);
        await Blocklist.ListAsync(Draft("198.51.100.0/24"), Alice, null);

        Assert.Equal(["198.51.100.0/24"], (await ActiveAsync("198.51.100.1")).Select(l => l.Network));
        Assert.Equal(["64:ff9b::/96"], (await ActiveAsync("64:ff9b::c633:6401")).Select(l => l.Network));
    }

    [Fact]
    public async Task TheSecondOfTwoAdminsEditingTheSameListingGetsAConflict()
    {
        var listed = (await Blocklist.ListAsync(Draft("203.0.113.7"), Alice, null)).Listing!;

        var alice = await Blocklist.EditAsync(listed.Id, listed.Version, new ListingEdit { Detail = "Confirmed spam source" }, Alice, null);
        var bob = await Blocklist.EditAsync(listed.Id, listed.Version, new ListingEdit { Reason = ListingReason.Phishing }, Bob, null);

        Assert.Equal(ChangeOutcome.Done, alice.Outcome);
        Assert.Equal(ChangeOutcome.Conflict, bob.Outcome);
        var stored = (await ActiveAsync("203.0.113.7")).Single();
        Assert.Equal(("Confirmed spam source", ListingReason.Spam), (stored.Detail, stored.Reason));
        var edited = (await Blocklist.HistoryAsync(listed.IpNetwork)).Single(e => e.Kind == ListingEventKind.Edited);
        Assert.Equal("alice", edited.ActorName);
        Assert.Contains("Confirmed spam source", edited.Reason);
    }

    [Fact]
    public async Task ConcurrentEditsWithTheSameVersionSaveOnlyOne()
    {
        var listed = (await Blocklist.ListAsync(Draft("203.0.113.7"), Alice, null)).Listing!;

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() =>
            Blocklist.EditAsync(listed.Id, listed.Version, new ListingEdit { Detail = $"edit {i}" }, Alice, null))));

        Assert.Single(results, r => r.Succeeded);
        Assert.Single(await Blocklist.HistoryAsync(listed.IpNetwork), e => e.Kind == ListingEventKind.Edited);
    }

    [Fact]
    public async Task DelistingAnEndedListingIsRefused()
    {
        var listed = (await Blocklist.ListAsync(Draft("203.0.113.7"), Alice, null)).Listing!;
        var first = await Blocklist.DelistAsync(listed.Id, listed.Version, Alice, "false positive", "192.0.2.1");

        var second = await Blocklist.DelistAsync(listed.Id, first.Listing!.Version, Bob, "again", null);

        Assert.Equal(ChangeOutcome.NotActive, second.Outcome);
        Assert.Equal(ChangeOutcome.NotFound, (await Blocklist.DelistAsync(9999, 0, Bob, "x", null)).Outcome);
        var delisted = Assert.Single(await Blocklist.HistoryAsync(listed.IpNetwork), e => e.Kind == ListingEventKind.Delisted);
        Assert.Equal(("alice", "false positive", "192.0.2.1"), (delisted.ActorName, delisted.Reason, delisted.ClientAddress));
    }

    [Theory]
    [InlineData("", ListingDraftError.DetailMissing)]
    [InlineData(null, ListingDraftError.DetailTooLong)]
    public async Task AnInvalidDraftIsRefusedAndStoresNothing(string? detail, ListingDraftError expected)
    {
        var draft = Draft("203.0.113.7") with { Detail = detail ?? new string('x', Listing.MaxDetailLength + 1) };

        var result = await Blocklist.ListAsync(draft, Alice, null);

        Assert.Equal((ChangeOutcome.Invalid, expected), (result.Outcome, result.Error));
        Assert.Empty(await ActiveAsync("203.0.113.7"));
    }

    [Fact]
    public async Task AnExpiryInThePastOrAnUnknownReasonIsRefused()
    {
        var past = await Blocklist.ListAsync(Draft("203.0.113.7") with { ExpiresAt = DelistingHarness.Start }, Alice, null);
        var unknown = await Blocklist.ListAsync(Draft("203.0.113.7") with { Reason = (ListingReason)99 }, Alice, null);

        Assert.Equal(ListingDraftError.ExpiryInThePast, past.Error);
        Assert.Equal(ListingDraftError.UnknownReason, unknown.Error);
    }

    [Fact]
    public async Task HistoryIsQueryableByAddressAndByRange()
    {
        await Blocklist.ListAsync(Draft("198.51.100.0/24"), Alice, null);
        await Blocklist.ListAsync(Draft("198.51.100.7"), Alice, null);
        await Blocklist.ListAsync(Draft("203.0.113.7"), Alice, null);

        var byAddress = await Blocklist.HistoryAsync(IpNetwork.Single(IPAddress.Parse("198.51.100.7")));
        var byRange = await Blocklist.HistoryAsync(IpNetworkInput.Parse("198.51.100.0/25").Network!.Value);
        var elsewhere = await Blocklist.HistoryAsync(IpNetworkInput.Parse("198.51.101.0/24").Network!.Value);

        Assert.Equal(["198.51.100.0/24", "198.51.100.7"], byAddress.Select(e => e.Network).Order());
        Assert.Equal(["198.51.100.0/24", "198.51.100.7"], byRange.Select(e => e.Network).Order());
        Assert.Empty(elsewhere);
    }

    [Fact]
    public async Task HistoryStaysAppendOnly()
    {
        await Blocklist.ListAsync(Draft("203.0.113.7"), Alice, null);
        await using var db = _harness.Database.CreateDbContext();
        var listed = await db.ListingEvents.SingleAsync();
        var original = listed.Reason;

        listed.Reason = "rewritten";
        Assert.Throws<InvalidOperationException>(() => db.SaveChanges());
        db.ChangeTracker.Clear();
        db.ListingEvents.Remove(listed);
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        db.ChangeTracker.Clear();

        // And for anyone going around EF: the database's triggers refuse too.
        var update = await Assert.ThrowsAnyAsync<DbException>(() => db.Database.ExecuteSqlRawAsync("UPDATE \"ListingEvents\" SET \"Reason\" = 'x'"));
        var delete = await Assert.ThrowsAnyAsync<DbException>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM \"ListingEvents\""));
        Assert.Contains("append-only", update.Message);
        Assert.Contains("append-only", delete.Message);
        if (_harness.Database.Provider == DatabaseProvider.PostgreSQL)
        {
            // PostgreSQL has TRUNCATE besides DELETE (SQLite's "DELETE FROM t" without WHERE is the same statement as above).
            var truncate = await Assert.ThrowsAnyAsync<DbException>(() => db.Database.ExecuteSqlRawAsync("TRUNCATE \"ListingEvents\" CASCADE"));
            Assert.Contains("append-only", truncate.Message);
        }
        Assert.Equal(1, await db.ListingEvents.CountAsync(e => e.Reason == original));
    }

    [Fact]
    public async Task MultiRowStatementsKeepTheTalliesExactAndLogEachChangedListingOnce()
    {
        // PostgreSQL keeps both from statement triggers over transition tables, SQLite from row triggers: the counts
        // must come out the same for one statement of many rows (a batch import, a bulk script) as for many of one row.
        ListingReason[] reasons = [ListingReason.Spam, ListingReason.Phishing, ListingReason.Malware];
        var drafts = Enumerable.Range(1, 120).Select(i => Draft($"203.0.113.{i}") with
        {
            Reason = reasons[i % 3],
            ExpiresAt = i % 4 == 0 ? DelistingHarness.Start.AddHours(1) : null,
        }).ToList();
        await using var db = _harness.Database.CreateDbContext();

        var since = await LastPositionAsync(db);
        var listed = await Blocklist.ListManyAsync(drafts, Alice, null);
        Assert.All(listed, r => Assert.Equal(ChangeOutcome.Done, r.Outcome));
        await AssertTalliesAsync(db);
        Assert.Equal(listed.Select(r => r.Listing!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), await ListingEntriesAsync(db, since));

        // An operator's script: one UPDATE ending many listings, one that changes neither status nor reason, one
        // INSERT of many rows and one DELETE of them (rows without history, which the history's key would refuse).
        var statements = new (string Sql, string Changed)[]
        {
            ("""UPDATE "Listings" SET "Status" = 'Expired', "EndedAt" = "ExpiresAt" WHERE "ExpiresAt" IS NOT NULL""", """SELECT "Id" AS "Value" FROM "Listings" WHERE "ExpiresAt" IS NOT NULL"""),
            ("""UPDATE "Listings" SET "Detail" = "Detail" || '.' WHERE "Reason" = 'Spam'""", """SELECT "Id" AS "Value" FROM "Listings" WHERE "Reason" = 'Spam'"""),
            ("""
                INSERT INTO "Listings" ("Network", "RangeStart", "RangeEnd", "PrefixLength", "Reason", "Detail", "Source", "ListedAt",
                    "Status", "EndedAt", "SelfServiceAllowed", "TimesListedBefore", "Version")
                SELECT "Network", "RangeStart", "RangeEnd", "PrefixLength", "Reason", 'an old listing', "Source", "ListedAt",
                    'Delisted', "ListedAt", "SelfServiceAllowed", 0, 1 FROM "Listings" WHERE "Reason" = 'Malware'
                """, """SELECT "Id" AS "Value" FROM "Listings" WHERE "Detail" = 'an old listing'"""),
        };
        foreach (var (sql, changed) in statements)
        {
            since = await LastPositionAsync(db);
            await db.Database.ExecuteSqlRawAsync(sql);
            await AssertTalliesAsync(db);
            var ids = await db.Database.SqlQueryRaw<int>(changed).ToListAsync();
            Assert.Equal(ids.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), await ListingEntriesAsync(db, since));
        }
        var deleted = await db.Database.SqlQueryRaw<int>("""SELECT "Id" AS "Value" FROM "Listings" WHERE "Detail" = 'an old listing'""").ToListAsync();
        since = await LastPositionAsync(db);
        Assert.Equal(40, await db.Database.ExecuteSqlRawAsync("""DELETE FROM "Listings" WHERE "Detail" = 'an old listing'"""));
        await AssertTalliesAsync(db);
        Assert.Equal(deleted.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), await ListingEntriesAsync(db, since));
    }

    private static async Task<long> LastPositionAsync(PortalDbContext db) =>
        await db.ChangeLog.Select(e => (long?)e.Position).MaxAsync() ?? 0;

    private static async Task<List<string>> ListingEntriesAsync(PortalDbContext db, long since) =>
        (await db.ChangeLog.AsNoTracking().Where(e => e.Position > since && e.Topic == ChangeLogTopics.Listing).Select(e => e.Key).ToListAsync()).Order().ToList();

    private static async Task AssertTalliesAsync(PortalDbContext db)
    {
        var counted = await db.Listings.GroupBy(l => new { l.Status, l.Reason }).Select(g => new { g.Key.Status, g.Key.Reason, Count = g.Count() }).ToListAsync();
        var tallies = await db.ListingTallies.AsNoTracking().Where(t => t.Count != 0).ToListAsync();
        Assert.Equal(counted.Select(c => (c.Status, c.Reason, c.Count)).Order(), tallies.Select(t => (t.Status, t.Reason, t.Count)).Order());
    }
}

/// <summary>The same tests on the real PostgreSQL server.</summary>
public sealed class BlocklistServiceOnPostgreSqlTests() : BlocklistServiceTests(DatabaseProvider.PostgreSQL);
