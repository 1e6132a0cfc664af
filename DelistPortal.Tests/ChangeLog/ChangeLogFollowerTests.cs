using System.Globalization;
using System.Net;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Blocklist.Index;
using DelistPortal.ChangeLog;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DelistPortal.Tests.ChangeLog;

/// <summary>
/// Every follower of one database — this process's and "another process's" (a second follower with its own index) —
/// ends with exactly the database's active listings, whoever wrote them and however the commits interleave.
/// </summary>
public sealed class ChangeLogFollowerTests : IDisposable
{
    private readonly DelistingHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private SqliteConnection OpenConnection()
    {
        using var db = _harness.Database.CreateDbContext();
        var connection = new SqliteConnection(db.Database.GetConnectionString());
        connection.Open();
        return connection;
    }

    private static int Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command.ExecuteNonQuery();
    }

    /// <summary>A listing of one IPv4 address written the way an operator's script would: plain SQL, no portal code.</summary>
    private static string InsertSql(uint address) =>
        $"""
        INSERT INTO Listings (Network, RangeStart, RangeEnd, PrefixLength, Reason, Detail, Source, ListedAt, Status,
                              SelfServiceAllowed, TimesListedBefore, Version)
        VALUES ('{new IPAddress(BitConverter.GetBytes(address).Reverse().ToArray())}', '00000000000000000000ffff{address:x8}',
                '00000000000000000000ffff{address:x8}', 32, 'Spam', 'listed by a script', 'Import', 0, 'Active', 1, 0, 0);
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

        Execute(connection, "UPDATE Listings SET Reason = 'Phishing' WHERE Network = '203.0.113.50';");
        await otherFollower.CatchUpAsync();
        Assert.True(other.TryFindMostSpecific(IPAddress.Parse("203.0.113.50"), out var hit));
        Assert.Equal(ListingReason.Phishing, hit.Reason);

        Execute(connection, "UPDATE Listings SET Status = 'Delisted' WHERE Network = '203.0.113.50';");
        await _harness.Follower.CatchUpAsync();
        await otherFollower.CatchUpAsync();
        Assert.False(Listed(_harness.Index, "203.0.113.50"));
        Assert.False(Listed(other, "203.0.113.50"));

        Execute(connection, InsertSql(Address("203.0.113.51")));
        Execute(connection, "DELETE FROM Listings WHERE Network = '203.0.113.51';");
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

        // The first writer takes its position and holds its transaction open.
        var firstTransaction = first.BeginTransaction();
        Execute(first, InsertSql(Address("203.0.113.60")), firstTransaction);
        // The second writer tries to take a later position and commit before the first.
        var secondCommitted = Task.Run(() =>
        {
            using var transaction = second.BeginTransaction();
            Execute(second, InsertSql(Address("203.0.113.61")), transaction);
            transaction.Commit();
        });

        // It cannot: its position waits for the first writer's commit, so a tail that reads "after my position"
        // meanwhile sees neither entry rather than the later one alone.
        var finishedFirst = await Task.WhenAny(secondCommitted, Task.Delay(TimeSpan.FromMilliseconds(500)));
        Assert.NotSame(secondCommitted, finishedFirst);
        await otherFollower.CatchUpAsync();
        var positionWhileBothOpen = otherFollower.Position;
        Assert.False(Listed(other, "203.0.113.60"));
        Assert.False(Listed(other, "203.0.113.61"));

        firstTransaction.Commit();
        firstTransaction.Dispose();
        await secondCommitted.WaitAsync(TimeSpan.FromSeconds(30));
        await otherFollower.CatchUpAsync();

        Assert.True(Listed(other, "203.0.113.60"));
        Assert.True(Listed(other, "203.0.113.61"));
        await using var db = _harness.Database.CreateDbContext();
        var keys = await db.ChangeLog.Where(e => e.Position > positionWhileBothOpen).OrderBy(e => e.Position).Select(e => e.Key).ToListAsync();
        var ids = await db.Listings.Where(l => l.Network == "203.0.113.60" || l.Network == "203.0.113.61")
            .OrderBy(l => l.Network).Select(l => l.Id.ToString(CultureInfo.InvariantCulture)).ToListAsync();
        Assert.Equal(ids, keys);
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
                        Execute(connection, $"UPDATE Listings SET Status = 'Delisted' WHERE RangeStart = '00000000000000000000ffff{active[pick]:x8}' AND Status = 'Active';", transaction);
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
        Execute(connection, "INSERT INTO AspNetUsers (Id, UserName, SecurityStamp, EmailConfirmed, PhoneNumberConfirmed, TwoFactorEnabled, LockoutEnabled, AccessFailedCount, CreatedAt) VALUES ('u-1', 'bob', 'a', 0, 0, 0, 1, 0, 0);");
        await follower.CatchUpAsync();
        Assert.False(heard.Task.IsCompleted);

        // What another process's role change or sign-out-everywhere writes.
        Execute(connection, "UPDATE AspNetUsers SET SecurityStamp = 'b' WHERE Id = 'u-1';");
        await follower.CatchUpAsync();

        Assert.Equal("u-1", await heard.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
