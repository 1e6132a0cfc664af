using DelistPortal.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace DelistPortal.Tests.Data;

/// <summary>
/// A database from before migration DetailOnlyListingSearch (ADR 014), with a listing indexed at once and one an
/// interrupted import left pending, upgraded to the index of the detail alone: every row is indexed again and none
/// is left pending, so that no later pass indexes a row twice.
/// </summary>
public sealed class ListingSearchUpgradeTests : IDisposable
{
    private const string BeforeDetailOnly = "20261201184323_ListingSearchHashSize";

    private readonly string _folder = Directory.CreateTempSubdirectory("delistportal-upgrade-").FullName;

    private string ConnectionString => $"Data Source={Path.Combine(_folder, "portal.db")}";

    [Fact]
    public async Task TheUpgradeIndexesEveryDetailOnceAndTheNetworksNoMore()
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>().UseSqlite(ConnectionString).Options;
        await using (var db = PortalDbContext.Create(options, DatabaseProvider.Sqlite))
        {
            await db.GetService<IMigrator>().MigrateAsync(BeforeDetailOnly);
        }
        await using (var connection = new SqliteConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, Insert("203.0.113.7", "Seen at the spam traps"));
            // An import's row, left out of the index (its text pass never ran).
            await ExecuteAsync(connection, $"BEGIN; INSERT INTO ListingSearchDeferral (Id) VALUES (1); {Insert("198.51.100.9", "Imported from the old list")} DELETE FROM ListingSearchDeferral; COMMIT;");
            Assert.Equal(1L, await ScalarAsync(connection, "SELECT count(*) FROM ListingSearchPending"));
            Assert.Equal(1L, await ScalarAsync(connection, "SELECT count(*) FROM ListingSearch WHERE ListingSearch MATCH '\"203.0.113\"'"));
        }

        await using (var db = PortalDbContext.Create(options, DatabaseProvider.Sqlite))
        {
            await db.Database.MigrateAsync();
        }

        await using (var connection = new SqliteConnection(ConnectionString))
        {
            await connection.OpenAsync();
            Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM ListingSearchPending"));
            Assert.Equal(1L, await ScalarAsync(connection, "SELECT count(*) FROM ListingSearch WHERE ListingSearch MATCH '\"spam traps\"'"));
            Assert.Equal(1L, await ScalarAsync(connection, "SELECT count(*) FROM ListingSearch WHERE ListingSearch MATCH '\"old list\"'"));
            Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM ListingSearch WHERE ListingSearch MATCH '\"203.0.113\"'"));
            // Edits reach the new index through its triggers, and FTS5 finds it whole.
            await ExecuteAsync(connection, "UPDATE Listings SET Detail = 'Snowshoe run' WHERE Network = '198.51.100.9'");
            Assert.Equal(1L, await ScalarAsync(connection, "SELECT count(*) FROM ListingSearch WHERE ListingSearch MATCH '\"snowshoe\"'"));
            await ExecuteAsync(connection, "INSERT INTO ListingSearch(ListingSearch, rank) VALUES ('integrity-check', 1)");
        }
    }

    private static string Insert(string address, string detail)
    {
        var key = DelistPortal.Blocklist.AddressKey.From(System.Net.IPAddress.Parse(address));
        return $"""
            INSERT INTO Listings (Network, RangeStart, RangeEnd, PrefixLength, Reason, Detail, Source, ListedAt, Status, SelfServiceAllowed, TimesListedBefore, Version)
            VALUES ('{address}', '{key}', '{key}', 32, 'Spam', '{detail}', 'Admin', 0, 'Active', 1, 0, 1);
            """;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
