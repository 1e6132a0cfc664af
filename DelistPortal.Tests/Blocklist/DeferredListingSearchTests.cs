using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Blocklist;

/// <summary>
/// An import's listings wait for the full-text index until <see cref="BlocklistService.IndexPendingSearchAsync"/>
/// (docs/decisions/011). Edits and deletes meanwhile must neither reach FTS5's 'delete' for text it never got (that
/// corrupts the index) nor be lost, and the deferral must not leak to other writers.
/// </summary>
public sealed class DeferredListingSearchTests : IDisposable
{
    private readonly DelistingHarness _harness = new();
    private readonly ServiceProvider _services;

    public DeferredListingSearchTests() => _services = _harness.BuildAdminProvider();

    private BlocklistService Blocklist => _harness.Blocklist;

    private static ListingDraft Draft(string network, string detail) =>
        new(IpNetwork.Parse(network), ListingReason.Spam, detail, ListingSource.Import);

    private async Task<IReadOnlyList<Listing>> ListDeferredAsync(int count, string prefix) =>
        (await Blocklist.ListManyAsync(
            Enumerable.Range(0, count).Select(i => Draft($"2001:db8:{i:x}::/48", $"{prefix} {i:D3}")).ToList(),
            Actor.Admin("alice"), null, deferSearch: true))
        .Select(r => r.Listing!).ToList();

    [Fact]
    public async Task DeferredRowsAreFoundOnlyOnceIndexedAndNeverLeaveTheDeferralOnForOtherWriters()
    {
        await ListDeferredAsync(20, "imported row");

        Assert.Empty(await SearchAsync("imported row 007"));
        Assert.Equal(20, await PendingAsync());
        // The deferral row lived only inside the import's transaction: the next writer's listing is indexed at once.
        var other = await Blocklist.ListAsync(Draft("203.0.113.7", "written by the API"), Actor.ApiKey("sensor"), null);
        Assert.Equal(["203.0.113.7"], await SearchAsync("written by the API"));
        Assert.Equal(20, await PendingAsync());
        await using (var db = _harness.Database.CreateDbContext())
        {
            Assert.Equal(0, await db.Database.SqlQueryRaw<int>("SELECT count(*) AS Value FROM ListingSearchDeferral").SingleAsync());
        }

        Assert.Equal(20, await Blocklist.IndexPendingSearchAsync(chunk: 7));

        Assert.Equal(0, await PendingAsync());
        Assert.Equal(["2001:db8:7::/48"], await SearchAsync("imported row 007"));
        Assert.Equal(20, (await SearchAsync("imported row")).Count);
        Assert.True(other.Succeeded);
        await AssertSearchIndexMatchesListingsAsync();
        Assert.Equal(0, await Blocklist.IndexPendingSearchAsync());
    }

    [Fact]
    public async Task AnEditOrDeleteOfARowNotYetIndexedIsIndexedAsItIsNowAndKeepsTheIndexWhole()
    {
        var listings = await ListDeferredAsync(5, "imported row");
        var edited = listings[1];
        var deleted = listings[2];
        var indexedBefore = (await Blocklist.ListAsync(Draft("203.0.113.8", "indexed first"), Actor.ApiKey("sensor"), null)).Listing!;

        var edit = await Blocklist.EditAsync(edited.Id, edited.Version, new ListingEdit { Detail = "edited while pending" }, Actor.Admin("bob"), null);
        await Blocklist.EditAsync(indexedBefore.Id, indexedBefore.Version, new ListingEdit { Detail = "indexed then edited" }, Actor.Admin("bob"), null);
        await using (var db = _harness.Database.CreateDbContext())
        {
            // The portal never deletes a listing (its history refers to it), but plain SQL may: the triggers must hold.
            await db.Database.OpenConnectionAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys = OFF");
            await db.Database.ExecuteSqlRawAsync("DELETE FROM Listings WHERE Id IN ({0}, {1})", deleted.Id, indexedBefore.Id);
        }
        await AssertSearchIndexHasNoDanglingRowsAsync();

        Assert.Equal(4, await Blocklist.IndexPendingSearchAsync());

        Assert.True(edit.Succeeded);
        Assert.Equal([edited.Network], await SearchAsync("edited while pending"));
        Assert.Empty(await SearchAsync("imported row 001"));
        Assert.Empty(await SearchAsync("imported row 002"));
        Assert.Empty(await SearchAsync("indexed"));
        Assert.Equal(3, (await SearchAsync("imported row")).Count);
        await AssertSearchIndexMatchesListingsAsync();
    }

    [Fact]
    public async Task AnImportEndsWithEveryRowIndexedAndAStartIndexesWhatAnInterruptedImportLeft()
    {
        await ListDeferredAsync(30, "left by a dead import");
        var jobs = _services.GetRequiredService<ImportJobs>();

        await jobs.StartAsync(CancellationToken.None);
        await jobs.LeftoverSearch;

        Assert.Equal(0, await PendingAsync());
        Assert.Equal(30, (await SearchAsync("left by a dead import")).Count);
        var csv = "network,reason,detail\n" + string.Concat(Enumerable.Range(0, 50).Select(i => $"198.51.100.{i},Spam,imported case {i:D3}\n"));
        var result = await _services.GetRequiredService<ListingImporter>().ImportAsync(Principals.Admin(), new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv)), null, null);
        Assert.Equal(50, result.Listed);
        Assert.Equal(0, await PendingAsync());
        Assert.Equal(["198.51.100.49"], await SearchAsync("case 049"));
        await AssertSearchIndexMatchesListingsAsync();
    }

    [Fact]
    public async Task TheIndexGathersATextPassInMemoryBeforeWritingASegment()
    {
        // FTS5's default of 1 MB cut an import's text pass into dozens of segments a transaction, then merged them.
        await using var db = _harness.Database.CreateDbContext();
        Assert.Equal(16 * 1024 * 1024, await db.Database.SqlQueryRaw<int>("SELECT v AS Value FROM ListingSearch_config WHERE k = 'hashsize'").SingleAsync());
    }

    private async Task<int> PendingAsync()
    {
        await using var db = _harness.Database.CreateDbContext();
        return await db.Database.SqlQueryRaw<int>("SELECT count(*) AS Value FROM ListingSearchPending").SingleAsync();
    }

    private async Task<IReadOnlyList<string>> SearchAsync(string text) =>
        (await _services.GetRequiredService<ListingAdminService>().QueryAsync(Principals.Viewer(), new ListingPageRequest(new ListingFilter { Search = text }, 50))).Items.Select(l => l.Network).ToList();

    /// <summary>While rows wait, the index holds exactly the listings that are not waiting (FTS5's own check cannot say so: it compares every row).</summary>
    private async Task AssertSearchIndexHasNoDanglingRowsAsync()
    {
        await using var db = _harness.Database.CreateDbContext();
        Assert.Equal(
            await db.Database.SqlQueryRaw<int>("SELECT count(*) AS Value FROM Listings WHERE Id NOT IN (SELECT ListingId FROM ListingSearchPending)").SingleAsync(),
            await db.Database.SqlQueryRaw<int>("SELECT count(*) AS Value FROM ListingSearch_docsize").SingleAsync());
        Assert.Equal(0, await db.Database.SqlQueryRaw<int>("SELECT count(*) AS Value FROM ListingSearch_docsize WHERE id NOT IN (SELECT Id FROM Listings)").SingleAsync());
    }

    /// <summary>FTS5's own check that the search index holds exactly the rows of the Listings table (it fails otherwise).</summary>
    private async Task AssertSearchIndexMatchesListingsAsync()
    {
        await using var db = _harness.Database.CreateDbContext();
        await db.Database.ExecuteSqlRawAsync("INSERT INTO ListingSearch(ListingSearch, rank) VALUES ('integrity-check', 1)");
        Assert.Equal(await db.Listings.CountAsync(), await db.Database.SqlQueryRaw<int>("SELECT count(*) AS Value FROM ListingSearch_docsize").SingleAsync());
    }

    public void Dispose()
    {
        _services.Dispose();
        _harness.Dispose();
    }
}
