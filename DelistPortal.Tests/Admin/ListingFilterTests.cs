using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;

namespace DelistPortal.Tests.Admin;

/// <summary>The grid's search, filters and sort, run in SQLite.</summary>
public class ListingFilterTests : IDisposable
{
    private readonly DelistingHarness _harness;
    private readonly ServiceProvider _services;

    public ListingFilterTests()
        : this(DatabaseProvider.Sqlite)
    {
    }

    protected ListingFilterTests(DatabaseProvider provider)
    {
        _harness = new(provider);
        _services = _harness.BuildAdminProvider();
    }

    private async Task<IReadOnlyList<string>> SearchAsync(ListingFilter filter) =>
        (await _services.GetRequiredService<ListingAdminService>().QueryAsync(Principals.Viewer(), new ListingPageRequest(filter, 50))).Items.Select(l => l.Network).ToList();

    [Fact]
    public async Task TypingAnAddressFindsTheRangesThatContainIt()
    {
        await _harness.ListAsync("198.51.100.0", 24);
        await _harness.ListAsync("198.51.0.0", 16);
        await _harness.ListAsync("198.51.100.7");
        await _harness.ListAsync("203.0.113.7");
        await _harness.ListAsync("2001:db8:bad::", 48);

        Assert.Equal(["198.51.100.0/24", "198.51.0.0/16"], await SearchAsync(new ListingFilter { Search = "198.51.100.200", SortBy = ListingSortColumn.Network, Descending = true }));
        Assert.Equal(["2001:db8:bad::/48"], await SearchAsync(new ListingFilter { Search = "2001:db8:bad::1" }));
        Assert.Empty(await SearchAsync(new ListingFilter { Search = "192.0.2.1" }));
    }

    [Fact]
    public async Task ARangeFindsTheListingsThatOverlapIt()
    {
        await _harness.ListAsync("198.51.100.7");
        await _harness.ListAsync("198.51.101.7");
        await _harness.ListAsync("203.0.113.7");

        Assert.Equal(["198.51.100.7", "198.51.101.7"], await SearchAsync(new ListingFilter { Search = "198.51.100.0/23", SortBy = ListingSortColumn.Network, Descending = false }));
    }

    [Fact]
    public async Task TextSearchFindsSubstringsInAnyCaseAndFollowsEdits()
    {
        var edited = await _harness.ListAsync("198.51.100.7");
        await _harness.ListAsync("203.0.113.7");
        await _harness.Blocklist.EditAsync(edited.Id, edited.Version, new ListingEdit { Detail = "Snowshoe run from a rented VPS block" }, Actor.Admin("alice"), null);

        Assert.Equal(["198.51.100.7"], await SearchAsync(new ListingFilter { Search = "SNOWSHOE" }));
        Assert.Equal(["198.51.100.7"], await SearchAsync(new ListingFilter { Search = "rented vps" }));
        Assert.Equal(["203.0.113.7"], await SearchAsync(new ListingFilter { Search = "spam traps" }));
        // Networks are found by their beginning (below), not by a fragment.
        Assert.Empty(await SearchAsync(new ListingFilter { Search = ".113." }));
        Assert.Empty(await SearchAsync(new ListingFilter { Search = "\"quoted\" OR *" }));
        // Two characters: below the trigram index, still answered (by a scan).
        Assert.Equal(["198.51.100.7"], await SearchAsync(new ListingFilter { Search = "un" }));
    }

    [Fact]
    public async Task TheBeginningOfAnAddressFindsTheNetworksWrittenWithItAndTheDetailsThatHoldIt()
    {
        await _harness.ListAsync("203.0.113.7");
        await _harness.ListAsync("203.0.115.0", 24);
        await _harness.ListAsync("203.0.11.9");
        await _harness.ListAsync("203.0.12.9");
        await _harness.ListAsync("2001:db8:bad::", 48);
        await _harness.ListAsync("2001:db8:b::", 48);
        var mentioned = await _harness.ListAsync("198.51.100.7");
        await _harness.Blocklist.EditAsync(mentioned.Id, mentioned.Version, new ListingEdit { Detail = "Same operator as 203.0.11x" }, Actor.Admin("alice"), null);

        Assert.Equal(["203.0.11.9"], await SearchAsync(new ListingFilter { Search = "203.0.11." }));
        Assert.Equal(["198.51.100.7", "203.0.11.9", "203.0.113.7", "203.0.115.0/24"],
            await SearchAsync(new ListingFilter { Search = "203.0.11", SortBy = ListingSortColumn.Network, Descending = false }));
        Assert.Equal(["2001:db8:b::/48", "2001:db8:bad::/48"], await SearchAsync(new ListingFilter { Search = "2001:DB8:B", SortBy = ListingSortColumn.Network, Descending = false }));
        Assert.Equal(["2001:db8:bad::/48"], await SearchAsync(new ListingFilter { Search = "2001:0db8:bad:" }));
        Assert.Empty(await SearchAsync(new ListingFilter { Search = "203.0.2" }));
    }

    [Fact]
    public async Task ATextOfSeveralWordsFindsTheListingsThatHoldItWholeNotItsWordsApart()
    {
        var details = new Dictionary<string, string>
        {
            ["198.51.100.7"] = "Abuse report (case 137843) from a trap",
            ["198.51.100.8"] = "Case 2 of 137843) trap hits",
            ["198.51.100.9"] = "137843) case, trapped",
        };
        foreach (var (address, detail) in details)
        {
            var listing = await _harness.ListAsync(address);
            await _harness.Blocklist.EditAsync(listing.Id, listing.Version, new ListingEdit { Detail = detail }, Actor.Admin("alice"), null);
        }

        Assert.Equal(["198.51.100.7"], await SearchAsync(new ListingFilter { Search = "CASE 137843)" }));
        // "a" is too short for the index: only checked, with the rest of the text.
        Assert.Equal(["198.51.100.7"], await SearchAsync(new ListingFilter { Search = "from a trap" }));
        Assert.Equal(["198.51.100.9"], await SearchAsync(new ListingFilter { Search = ") case, t" }));
        Assert.Equal(["198.51.100.8"], await SearchAsync(new ListingFilter { Search = ") trap" }));
        Assert.Equal(["198.51.100.7", "198.51.100.8", "198.51.100.9"], await SearchAsync(new ListingFilter { Search = "137843)", SortBy = ListingSortColumn.Network, Descending = false }));
    }

    [Fact]
    public async Task OtherTextSearchesTheDetailAndFiltersCombine()
    {
        await _harness.ListAsync("198.51.100.7", reason: ListingReason.Phishing);
        await _harness.ListAsync("203.0.113.7");
        var listing = await _harness.ListAsync("203.0.113.8");
        await _harness.Blocklist.DelistAsync(listing.Id, listing.Version, Actor.Admin("alice"), "done", null);

        Assert.Equal(3, (await SearchAsync(new ListingFilter { Search = "spam traps" })).Count);
        Assert.Equal(["198.51.100.7"], await SearchAsync(new ListingFilter { Reason = ListingReason.Phishing }));
        Assert.Equal(["203.0.113.8"], await SearchAsync(new ListingFilter { Status = ListingStatus.Delisted }));
        Assert.Equal(["203.0.113.8", "203.0.113.7", "198.51.100.7"], await SearchAsync(new ListingFilter { SortBy = ListingSortColumn.Network, Descending = true }));
    }

    [Fact]
    public async Task SortingByNetworkFollowsAddressOrderNotTextOrderAcrossIpv4AndIpv6()
    {
        foreach (var network in new[] { "203.0.113.7", "2001:db8::1", "9.9.9.9", "198.51.100.7" })
        {
            await _harness.ListAsync(network);
        }

        // As text, "2001:db8::1" would sort between the 198 and the 203, and "9.9.9.9" last (ADR 002: hex keys under a
        // bytewise collation, SQLite's and PostgreSQL's "C").
        Assert.Equal(["9.9.9.9", "198.51.100.7", "203.0.113.7", "2001:db8::1"],
            await SearchAsync(new ListingFilter { SortBy = ListingSortColumn.Network, Descending = false }));
    }

    [Fact]
    public void TheFilterSurvivesTheExportLinkQueryString()
    {
        var filter = new ListingFilter { Search = "198.51.100.0/24", Status = ListingStatus.Active, Reason = ListingReason.Spam, SortBy = ListingSortColumn.ExpiresAt, Descending = false };

        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(filter.ToQueryString());

        Assert.Equal(filter, ListingFilterQuery.Parse(new Microsoft.AspNetCore.Http.QueryCollection(query)));
    }

    public void Dispose()
    {
        _services.Dispose();
        _harness.Dispose();
    }
}

/// <summary>The same tests on the real PostgreSQL server (the grid's SQL as PostgreSQL runs it: ListingGridSql).</summary>
public sealed class ListingFilterOnPostgreSqlTests() : ListingFilterTests(DatabaseProvider.PostgreSQL);
