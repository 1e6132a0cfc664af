using DelistPortal.Blocklist;
using DelistPortal.Data;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Blocklist;

/// <summary>The import's batch insert writes the same columns as the model (its values: see BlocklistServiceTests).</summary>
public sealed class ListingBulkInsertTests : IDisposable
{
    private readonly TemporaryDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task TheBatchInsertWritesEveryListingColumnButTheIdAndTheEndOfTheListing()
    {
        var columns = await ColumnsAsync("Listings");

        Assert.Equal(columns.Except(["Id", "EndedAt", "DelistRequestId"]).Order(), ListingBulkInsert.ListingColumnNames.Order());
    }

    [Fact]
    public async Task TheBatchInsertWritesEveryEventColumnButTheId()
    {
        var columns = await ColumnsAsync("ListingEvents");

        Assert.Equal(columns.Except(["Id"]).Order(), ListingBulkInsert.EventColumnNames.Order());
    }

    private async Task<List<string>> ColumnsAsync(string table)
    {
        await using var db = _database.CreateDbContext();
        return await db.Database.SqlQuery<string>($"SELECT name AS Value FROM pragma_table_info({table})").ToListAsync();
    }
}

/// <summary>PostgreSQL's binary COPY (and the events' statement) write the same columns, against PostgreSQL's own migrated tables.</summary>
public sealed class ListingBulkCopyTests : IDisposable
{
    private readonly TemporaryDatabase _database = new(DatabaseProvider.PostgreSQL);

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task TheCopyWritesEveryListingColumnButTheEndOfTheListingAndTheIdFromTheSequence()
    {
        var columns = await ColumnsAsync("Listings");

        Assert.Equal(columns.Except(["Id", "EndedAt", "DelistRequestId"]).Order(), ListingBulkCopy.ListingColumnNames.Order());
        Assert.Equal(ListingBulkInsert.ListingColumnNames, ListingBulkCopy.ListingColumnNames);
    }

    [Fact]
    public async Task TheEventsStatementWritesEveryEventColumnButTheIdOnPostgreSqlToo()
    {
        var columns = await ColumnsAsync("ListingEvents");

        Assert.Equal(columns.Except(["Id"]).Order(), ListingBulkInsert.EventColumnNames.Order());
    }

    private async Task<List<string>> ColumnsAsync(string table)
    {
        await using var db = _database.CreateDbContext();
        return await db.Database.SqlQuery<string>(
            $"SELECT column_name::text AS \"Value\" FROM information_schema.columns WHERE table_schema = 'public' AND table_name = {table}").ToListAsync();
    }
}
