using System.Globalization;
using System.Net;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Blocklist.Index;
using DelistPortal.ChangeLog;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using System.Data.Common;
using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DelistPortal.Tests.ChangeLog;

/// <summary>
/// Every follower of one database — this process's and "another process's" (a second follower with its own index) —
/// ends with exactly the database's active listings, whoever wrote them and however the commits interleave.
/// Runs on SQLite; <see cref="ChangeLogFollowerOnPostgreSqlTests"/> runs the same tests on PostgreSQL.
/// </summary>
public class ChangeLogFollowerTests : IDisposable
{
    private readonly DelistingHarness _harness;

    public ChangeLogFollowerTests()
        : this(DatabaseProvider.Sqlite)
    {
    }

    protected ChangeLogFollowerTests(DatabaseProvider provider) => _harness = new(provider);

    public void Dispose()
    {
        _harness.Dispose();
        GC.SuppressFinalize(this);
    }

    private DbConnection OpenConnection() => _harness.Database.OpenConnection();

    private static int Execute(DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command.ExecuteNonQuery();
    }

    /// <summary>A listing of one IPv4 address written the way an operator's script would: plain SQL, no portal code.</summary>
    private static string InsertSql(uint address, string reason = "Spam") =>
        $"""
        INSERT INTO "Listings" ("Network", "RangeStart", "RangeEnd", "PrefixLength", "Reason", "Detail", "Source", "ListedAt", "Status",
                              "SelfServiceAllowed", "TimesListedBefore", "Version")
        VALUES ('{new IPAddress(BitConverter.GetBytes(address).Reverse().ToArray())}', '00000000000000000000ffff{address:x8}',
                '00000000000000000000ffff{address:x8}', 32, '{reason}', 'listed by a script', 'Import', 0, 'Active', TRUE, 0, 0);
        """;

    private static uint Address(string text) => BitConverter.ToUInt32(IPAddress.Parse(text).GetAddressBytes().Reverse().ToArray());

    private async Task<(BlocklistIndex Index, ChangeLogFollower Follower)> SecondProcessAsync()
    {
        var index = new BlocklistIndex(_harness.Clock);
        var follower = _harness.NewFollower(index);
        await follower.LoadAsync();
        return (index, follower);
    }

    private static bool Listed(BlocklistIndex index, string address) => index.TryFindMostSpecific(IPAddress.Parse(address), out _);

    [Fact]
    public async Task ChangesMadeWithPlainSqlReachEveryFollower()
    {
        var (other, otherFollower) = await SecondProcessAsync();
        using var connection = OpenConnection();

        Execute(connection, InsertSql(Address("203.0.113.50")));
        await _harness.Follower.CatchUpAsync();
        await otherFollower.CatchUpAsync();
        Assert.True(Listed(_harness.Index, "203.0.113.50"));
        Assert.True(Listed(other, "203.0.113.50"));

        Execute(connection, "UPDATE \"Listings\" SET \"Reason\" = 'Phishing' WHERE \"Network\" = '203.0.113.50';");
        await otherFollower.CatchUpAsync();
        Assert.True(other.TryFindMostSpecific(IPAddress.Parse("203.0.113.50"), out var hit));
        Assert.Equal(ListingReason.Phishing, hit.Reason);

        Execute(connection, "UPDATE \"Listings\" SET \"Status\" = 'Delisted' WHERE \"Network\" = '203.0.113.50';");
        await _harness.Follower.CatchUpAsync();
        await otherFollower.CatchUpAsync();
        Assert.False(Listed(_harness.Index, "203.0.113.50"));
        Assert.False(Listed(other, "203.0.113.50"));

        Execute(connection, InsertSql(Address("203.0.113.51")));
        Execute(connection, "DELETE FROM \"Listings\" WHERE \"Network\" = '203.0.113.51';");
        await otherFollower.CatchUpAsync();
        Assert.False(Listed(other, "203.0.113.51"));
    }

    [Fact]
    public async Task AChangeSavedThroughThePortalReachesAnotherFollower()
    {
        var (other, otherFollower) = await SecondProcessAsync();

        var listing = await _harness.ListAsync("198.51.100.0", 24);
        // This process's own save already reached its index when the call returned; the other process polls.
        Assert.True(Listed(_harness.Index, "198.51.100.9"));
        Assert.False(Listed(other, "198.51.100.9"));
        await otherFollower.CatchUpAsync();
        Assert.True(Listed(other, "198.51.100.9"));

        await _harness.Blocklist.DelistAsync(listing.Id, listing.Version, Actor.Admin("alice"), "fixed", null);
        await otherFollower.CatchUpAsync();
        Assert.False(Listed(other, "198.51.100.9"));
    }

    [Fact]
    public async Task TwoWritersCannotCommitInTheReverseOrderOfTheirPositionsSoTheTailSkipsNothing()
    {
        var (other, otherFollower) = await SecondProcessAsync();
        using var first = OpenConnection();
        using var second = OpenConnection();
        var sqlite = _harness.Database.Provider == DatabaseProvider.Sqlite;

        // The first writer makes its change and holds its transaction open.
        var firstTransaction = first.BeginTransaction();
        Execute(first, InsertSql(Address("203.0.113.60")), firstTransaction);
        // The second writer changes and tries to commit before the first. (Another reason: on PostgreSQL two writers of
        // the same status and reason also wait for each other on their tally's row, which is not what is tested here.)
        var secondCommitted = Task.Run(() =>
        {
            using var transaction = second.BeginTransaction();
            Execute(second, InsertSql(Address("203.0.113.61"), "Phishing"), transaction);
            transaction.Commit();
        });

        var finishedFirst = await Task.WhenAny(secondCommitted, Task.Delay(TimeSpan.FromMilliseconds(500)));
        await otherFollower.CatchUpAsync();
        var positionWhileFirstOpen = otherFollower.Position;
        Assert.False(Listed(other, "203.0.113.60"));
        if (sqlite)
        {
            // SQLite: the first writer took its position under the write lock, so the second waits for its commit and
            // a tail meanwhile sees neither entry rather than the later one alone.
            Assert.NotSame(secondCommitted, finishedFirst);
            Assert.False(Listed(other, "203.0.113.61"));
        }
        else
        {
            // PostgreSQL: positions are taken at commit (ADR 012), so the second commits first with the smaller position,
            // and the tail that has read it past cannot skip the first's, which comes later.
            Assert.Same(secondCommitted, finishedFirst);
            Assert.True(Listed(other, "203.0.113.61"));
        }

        firstTransaction.Commit();
        firstTransaction.Dispose();
        await secondCommitted.WaitAsync(TimeSpan.FromSeconds(30));
        await otherFollower.CatchUpAsync();

        Assert.True(Listed(other, "203.0.113.60"));
        Assert.True(Listed(other, "203.0.113.61"));
        await using var db = _harness.Database.CreateDbContext();
        var positions = await db.ChangeLog.Where(e => e.Topic == ChangeLogTopics.Listing).OrderBy(e => e.Position).Select(e => e.Key).ToListAsync();
        var ids = await db.Listings.Where(l => l.Network == "203.0.113.60" || l.Network == "203.0.113.61")
            .OrderBy(l => l.Network).Select(l => l.Id.ToString(CultureInfo.InvariantCulture)).ToListAsync();
        // Positions in commit order: on SQLite the first writer's, on PostgreSQL the second's comes first.
        Assert.Equal(sqlite ? ids : [ids[1], ids[0]], positions.Where(ids.Contains).ToList());
        Assert.True(positionWhileFirstOpen < await db.ChangeLog.Where(e => e.Key == ids[0] && e.Topic == ChangeLogTopics.Listing).Select(e => e.Position).SingleAsync());
    }

    [Fact]
    public async Task ConcurrentWritersCommittingInAnyOrderNeverMakeATailSkipAnEntry()
    {
        // Four writers commit transactions of 200 new listings each as fast as they can while a second process's tail
        // catches up over and over. An entry that became visible after a larger position had been read would be
        // skipped for good: that listing would be missing from the tail's index at the end.
        const int writers = 4, transactions = 10, perTransaction = 200;
        // A reason each: on PostgreSQL writers of the same status and reason wait for each other on their tally's row.
        string[] reasons = ["Spam", "Phishing", "Malware", "Policy"];
        var (other, otherFollower) = await SecondProcessAsync();
        using var stop = new CancellationTokenSource();
        var tail = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await otherFollower.CatchUpAsync();
            }
        });
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() =>
        {
            using var connection = OpenConnection();
            var next = Address($"10.{w + 1}.0.1");
            for (var t = 0; t < transactions; t++)
            {
                using var transaction = connection.BeginTransaction();
                for (var i = 0; i < perTransaction; i++)
                {
                    Execute(connection, InsertSql(next++, reasons[w]), transaction);
                }
                transaction.Commit();
            }
        })));
        await stop.CancelAsync();
        await tail;
        await otherFollower.CatchUpAsync();

        await using var db = _harness.Database.CreateDbContext();
        var expected = await db.Listings.Select(l => new { l.Id, l.Network }).ToListAsync();
        Assert.Equal(writers * transactions * perTransaction, expected.Count);
        var missing = expected.Where(l => !Listed(other, l.Network)).Select(l => l.Network).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public async Task AFollowerStartedWhileAnotherProcessWritesTenThousandChangesEndsWithExactlyTheActiveSet()
    {
        const int changes = 10_000;
        var halfway = new TaskCompletionSource();
        var writer = Task.Run(() =>
        {
            using var connection = OpenConnection();
            var random = new Random(11);
            var next = Address("10.0.0.1");
            var active = new List<uint>();
            for (var written = 0; written < changes;)
            {
                using var transaction = connection.BeginTransaction();
                for (var i = 0; i < 20; i++, written++)
                {
                    if (active.Count > 0 && random.Next(3) == 0)
                    {
                        var pick = random.Next(active.Count);
                        Execute(connection, $"UPDATE \"Listings\" SET \"Status\" = 'Delisted' WHERE \"RangeStart\" = '00000000000000000000ffff{active[pick]:x8}' AND \"Status\" = 'Active';", transaction);
                        active.RemoveAt(pick);
                    }
                    else
                    {
                        Execute(connection, InsertSql(next), transaction);
                        active.Add(next++);
                    }
                }
                transaction.Commit();
                if (written >= changes / 2)
                {
                    halfway.TrySetResult();
                }
            }
        });

        await halfway.Task.WaitAsync(TimeSpan.FromMinutes(1));
        var (late, lateFollower) = await SecondProcessAsync();
        await writer;
        await lateFollower.CatchUpAsync();

        await using var db = _harness.Database.CreateDbContext();
        var expected = await db.Listings.Where(l => l.Status == ListingStatus.Active).Select(l => new { l.Id, l.Network }).ToListAsync();
        Assert.True(expected.Count > 1000);
        Assert.Equal(expected.Count, late.Count);
        foreach (var listing in expected)
        {
            Assert.True(late.TryFindMostSpecific(IPAddress.Parse(listing.Network), out var hit), listing.Network);
            Assert.Equal(listing.Id, hit.ListingId);
        }
    }

    [Fact]
    public async Task AFollowerBehindThePrunedLogReloadsInsteadOfSkipping()
    {
        var (other, otherFollower) = await SecondProcessAsync();
        var listed = await _harness.ListAsync("203.0.113.70");
        await _harness.ListAsync("203.0.113.71");
        await _harness.Blocklist.DelistAsync(listed.Id, listed.Version, Actor.Admin("alice"), "fixed", null);

        // Every entry is past its retention (the log's times come from the database's clock, the real one).
        _harness.Clock.SetUtcNow(DateTimeOffset.UtcNow.AddDays(2));
        var pruner = new ChangeLogPruner(_harness.Database, Options.Create(new ChangeLogOptions()), _harness.Clock, NullLogger<ChangeLogPruner>.Instance);
        Assert.True(await pruner.PruneAsync() >= 3);
        await otherFollower.CatchUpAsync();

        Assert.False(Listed(other, "203.0.113.70"));
        Assert.True(Listed(other, "203.0.113.71"));
        Assert.Equal(_harness.Index.Count, other.Count);
    }

    [Fact]
    public async Task AnAccountChangeMadeElsewhereReachesThisProcesssOpenSessions()
    {
        var changes = new AccountChanges(NullLogger<AccountChanges>.Instance);
        var heard = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = changes.Subscribe(userId =>
        {
            heard.TrySetResult(userId);
            return Task.CompletedTask;
        });
        var follower = _harness.NewFollower(new BlocklistIndex(_harness.Clock), new AccountChangeFollower(changes));
        await follower.LoadAsync();
        using var connection = OpenConnection();
        Execute(connection, "INSERT INTO \"AspNetUsers\" (\"Id\", \"UserName\", \"SecurityStamp\", \"EmailConfirmed\", \"PhoneNumberConfirmed\", \"TwoFactorEnabled\", \"LockoutEnabled\", \"AccessFailedCount\", \"CreatedAt\") VALUES ('u-1', 'bob', 'a', FALSE, FALSE, FALSE, TRUE, 0, 0);");
        await follower.CatchUpAsync();
        Assert.False(heard.Task.IsCompleted);

        // What another process's role change or sign-out-everywhere writes.
        Execute(connection, "UPDATE \"AspNetUsers\" SET \"SecurityStamp\" = 'b' WHERE \"Id\" = 'u-1';");
        await follower.CatchUpAsync();

        Assert.Equal("u-1", await heard.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}

/// <summary>The same tests on the real PostgreSQL server: the providers cannot drift.</summary>
public sealed class ChangeLogFollowerOnPostgreSqlTests() : ChangeLogFollowerTests(DatabaseProvider.PostgreSQL);
