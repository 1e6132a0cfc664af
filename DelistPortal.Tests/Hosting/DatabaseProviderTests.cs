using System.Diagnostics;
using System.Net;
using DelistPortal.Blocklist;
using DelistPortal.Blocklist.Index;
using DelistPortal.Data;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DelistPortal.Tests.Hosting;

/// <summary><c>Database:Provider</c> and <c>ConnectionStrings:Portal</c>, and the real portal on a real PostgreSQL.</summary>
public sealed class DatabaseProviderTests
{
    [Fact]
    public async Task AnUnknownProviderStopsTheStartNamingTheKey()
    {
        await using var portal = new PortalFactory(settings: new Dictionary<string, string?> { ["Database:Provider"] = "Oracle" });

        var error = Assert.ThrowsAny<Exception>(() => portal.CreateClient());

        Assert.Contains("Database:Provider", Messages(error));
    }

    [Fact]
    public async Task PostgreSqlWithoutAConnectionStringStopsTheStartNamingTheKey()
    {
        await using var portal = new PortalFactory(settings: new Dictionary<string, string?>
        {
            ["Database:Provider"] = "PostgreSQL",
            ["ConnectionStrings:Portal"] = "",
        });

        var error = Assert.ThrowsAny<Exception>(() => portal.CreateClient());

        Assert.Contains("ConnectionStrings:Portal", Messages(error));
    }

    [Fact]
    public async Task OnSqliteEveryConnectionWaitsForOtherWritersInsideSqlite()
    {
        // Left to Microsoft.Data.Sqlite, a locked database costs a 150 ms sleep per retry (SqliteBusyWait).
        await using var portal = new PortalFactory();
        portal.CreateClient().Dispose();
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

        var busyTimeout = await db.Database.SqlQueryRaw<long>("SELECT timeout AS Value FROM pragma_busy_timeout").SingleAsync();

        Assert.True(busyTimeout >= 30_000, $"busy_timeout is {busyTimeout} ms");
    }

    [Fact]
    public async Task WithoutConfigurationThePortalRunsOnSqlite()
    {
        await using var portal = new PortalFactory();
        portal.CreateClient().Dispose();

        Assert.Equal(DatabaseProvider.Sqlite, portal.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider);
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.True(db.Database.IsSqlite());
        Assert.IsNotType<PostgreSqlPortalDbContext>(db);
    }

    [Fact]
    public async Task ANewSqliteFileHasLargePagesInWalModeAndAnExistingOneKeepsItsPages()
    {
        await using var fresh = new PortalFactory();
        fresh.CreateClient().Dispose();
        await using var existing = new PortalFactory();
        // A database of an earlier version: SQLite's default 4 KiB pages, already in WAL mode.
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(existing.DataFolder, "portal.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var create = connection.CreateCommand();
            create.CommandText = "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE Earlier (Id INTEGER PRIMARY KEY);";
            await create.ExecuteNonQueryAsync();
        }
        existing.CreateClient().Dispose();

        Assert.Equal(((long)DatabaseMigration.SqlitePageSize, "wal"), await PagesAndJournalAsync(fresh));
        Assert.Equal((4096L, "wal"), await PagesAndJournalAsync(existing));
        // The existing file was migrated all the same.
        await using var db = await existing.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    private static async Task<(long PageSize, string JournalMode)> PagesAndJournalAsync(PortalFactory portal)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var pageSize = await db.Database.SqlQueryRaw<long>("SELECT page_size AS Value FROM pragma_page_size").SingleAsync();
        var journalMode = await db.Database.SqlQueryRaw<string>("SELECT journal_mode AS Value FROM pragma_journal_mode").SingleAsync();
        return (pageSize, journalMode);
    }

    [Fact]
    public void OnPostgreSqlEveryAddressKeyColumnComparesBytewiseUnderTheCCollation()
    {
        using var database = new TemporaryDatabase(DatabaseProvider.PostgreSQL);
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT table_name, column_name, coalesce(collation_name, '(the database default)') FROM information_schema.columns
            WHERE table_schema = 'public' AND column_name IN ('RangeStart', 'RangeEnd') ORDER BY 1, 2
            """;
        var columns = new List<(string Column, string Collation)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                columns.Add(($"{reader.GetString(0)}.{reader.GetString(1)}", reader.GetString(2)));
            }
        }

        // ADR 002: the hex keys sort in address order only bytewise, whatever locale the operator's database has.
        Assert.Superset(new HashSet<string> { "Listings.RangeStart", "Listings.RangeEnd", "ListingEvents.RangeStart", "ListingExceptions.RangeStart" },
            columns.Select(c => c.Column).ToHashSet());
        Assert.All(columns, c => Assert.True(c.Collation == "C", $"{c.Column} has collation {c.Collation}"));
    }

    [Fact]
    public async Task ADnsblOnlyHostOnPostgreSqlKeepsItsOwnIndexSnapshotAndStartsFromIt()
    {
        using var database = new TemporaryDatabase(DatabaseProvider.PostgreSQL);
        var dataFolder = Directory.CreateTempSubdirectory("delistportal-dnsbl-host-").FullName;
        var settings = new Dictionary<string, string?>(database.HostSettings)
        {
            ["Portal:DataDirectory"] = dataFolder,
            ["ChangeLog:SnapshotInterval"] = "00:00:01",
        };
        var snapshot = IndexSnapshotFile.PathForPostgreSql(database.ConnectionString, dataFolder);
        try
        {
            await using (var portal = new PortalFactory(settings: settings))
            // A host setting, so that it is there when the roles are read.
            await using (var dnsblOnly = portal.WithWebHostBuilder(host => host.UseSetting("Portal:Roles", "dnsbl")))
            {
                var listed = await dnsblOnly.Services.GetRequiredService<BlocklistService>().ListAsync(
                    new ListingDraft(IpNetwork.Single(IPAddress.Parse("192.0.2.200")), ListingReason.Spam, "seen by a sensor", ListingSource.Api),
                    Actor.ApiKey("sensor"), null);
                Assert.Equal(ChangeOutcome.Done, listed.Outcome);
                var watch = Stopwatch.StartNew();
                while (!portal.Logs.All.Contains("Wrote the index snapshot", StringComparison.Ordinal))
                {
                    Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "the dnsbl-only host wrote no index snapshot");
                    await Task.Delay(50);
                }
            }
            Assert.True(File.Exists(snapshot));

            await using var next = new PortalFactory(settings: settings);
            await using var nextDnsblOnly = next.WithWebHostBuilder(host => host.UseSetting("Portal:Roles", "dnsbl"));
            Assert.True(nextDnsblOnly.Services.GetRequiredService<BlocklistIndex>().TryFindMostSpecific(IPAddress.Parse("192.0.2.200"), out _));
            Assert.Contains("loaded from the snapshot at position", next.Logs.All, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dataFolder, recursive: true);
        }
    }

    [Fact]
    public async Task TwoHostsStartingTogetherOnANewPostgreSqlDatabaseMigrateAndSeedItOnceAndFollowEachOther()
    {
        // A database nobody created yet: the first host creates it, migrates and seeds under the advisory lock.
        var connectionString = PostgreSqlServer.ConnectionStringFor("hosts_" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?> { ["Database:Provider"] = "PostgreSQL", ["ConnectionStrings:Portal"] = connectionString };
        try
        {
            await using var a = new PortalFactory(settings: settings);
            await using var b = new PortalFactory(settings: settings);
            await Task.WhenAll(Task.Run(() => a.CreateClient().Dispose()), Task.Run(() => b.CreateClient().Dispose()));

            await using (var db = await a.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
            {
                Assert.IsType<PostgreSqlPortalDbContext>(db);
                var listings = await db.Listings.CountAsync();
                Assert.True(listings > 0);
                // Seeded once: one "listed" event per demo listing, not two.
                Assert.Equal(listings, await db.ListingEvents.CountAsync());
            }
            var indexB = b.Services.GetRequiredService<BlocklistIndex>();
            Assert.True(indexB.TryFindMostSpecific(IPAddress.Parse("203.0.113.7"), out _));

            // A listing made on A reaches B's index (what B's DNSBL answers from) through the change log.
            var listed = await a.Services.GetRequiredService<BlocklistService>().ListAsync(
                new ListingDraft(IpNetwork.Single(IPAddress.Parse("192.0.2.200")), ListingReason.Spam, "seen on host A", ListingSource.Admin),
                Actor.Admin("alice"), null);
            Assert.Equal(ChangeOutcome.Done, listed.Outcome);
            var watch = Stopwatch.StartNew();
            while (!indexB.TryFindMostSpecific(IPAddress.Parse("192.0.2.200"), out _))
            {
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), "host B's index did not get host A's listing within 1 s");
                await Task.Delay(10);
            }
        }
        finally
        {
            PostgreSqlServer.DropDatabase(connectionString);
        }
    }

    [Fact]
    public async Task ASenderSubmitsOnOneHostConfirmsOnTheOtherAndBothIndexesDropTheAddress()
    {
        var connectionString = PostgreSqlServer.ConnectionStringFor("hosts_" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?> { ["Database:Provider"] = "PostgreSQL", ["ConnectionStrings:Portal"] = connectionString };
        try
        {
            await using var a = new PortalFactory(settings: settings);
            await using var b = new PortalFactory(settings: settings);
            a.CreateClient().Dispose();
            b.CreateClient().Dispose();

            var submitted = await a.Services.SubmitSolvedAsync("postmaster@sender.example", "203.0.113.7", "192.0.2.1");
            Assert.Equal(DelistPortal.Delisting.SubmitOutcome.ConfirmationSent, submitted.Outcome);
            // Either host's worker may send it (the outbox claim is in the database): look in both mailboxes.
            var mail = await FirstMailAsync(a.DataFolder, b.DataFolder);
            var query = System.Web.HttpUtility.ParseQueryString(MailLinks.ConfirmationLink(mail).Query);
            using (var scope = b.Services.CreateScope())
            {
                var delisted = await scope.ServiceProvider.GetRequiredService<DelistPortal.Delisting.DelistService>()
                    .DelistAsync(query["request"], query["token"], "192.0.2.1");
                Assert.Equal(DelistPortal.Delisting.DelistRequestState.Delisted, delisted.State);
            }

            var watch = Stopwatch.StartNew();
            foreach (var host in new[] { a, b })
            {
                var index = host.Services.GetRequiredService<BlocklistIndex>();
                while (index.TryFindMostSpecific(IPAddress.Parse("203.0.113.7"), out _))
                {
                    Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), "a host still lists the address 1 s after the delist");
                    await Task.Delay(10);
                }
            }
        }
        finally
        {
            PostgreSqlServer.DropDatabase(connectionString);
        }
    }

    private static async Task<MimeKit.MimeMessage> FirstMailAsync(params string[] dataFolders)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(20))
        {
            var file = dataFolders.Select(f => Path.Combine(f, "mailbox")).Where(Directory.Exists)
                .SelectMany(f => Directory.GetFiles(f, "*.eml")).FirstOrDefault();
            if (file is not null)
            {
                return await MimeKit.MimeMessage.LoadAsync(file);
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("No host wrote the confirmation mail within 20 s.");
    }

    private static string Messages(Exception error)
    {
        var all = new List<string>();
        for (var e = error; e is not null; e = e.InnerException)
        {
            all.Add(e.Message);
            if (e is AggregateException aggregate)
            {
                all.AddRange(aggregate.Flatten().InnerExceptions.Select(i => i.Message));
            }
        }
        return string.Join(" | ", all);
    }
}
