using System.Net;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Admin;

/// <summary>
/// A text search's total means the same on both providers, around the lookup's caps: a text in more listings than the
/// lookup takes (<see cref="ListingGridQuery.TextMatchCap"/>) is "more than <see cref="ListingGridQuery.CommonTextCountCap"/>",
/// filtered or not, unless the filtered view holds fewer; a text in fewer is counted exactly, past the small cap too.
/// The pages are the same rows either way. On PostgreSQL the table is analyzed first, so that its planner (and
/// PostgreSqlTextLookup's choice of the part to ask the trigram index for) works from statistics, as at a million.
/// </summary>
public class TextSearchTotalsTests : IAsyncLifetime
{
    private const int Listings = ListingGridQuery.TextMatchCap + 500;
    private const int Middle = ListingGridQuery.CommonTextCountCap + 500;

    private readonly DelistingHarness _harness;
    private readonly DatabaseProvider _provider;
    private ServiceProvider _services = null!;

    public TextSearchTotalsTests()
        : this(DatabaseProvider.Sqlite)
    {
    }

    protected TextSearchTotalsTests(DatabaseProvider provider) => (_harness, _provider) = (new(provider), provider);

    private ListingAdminService Service => _services.GetRequiredService<ListingAdminService>();

    public async Task InitializeAsync()
    {
        _services = _harness.BuildAdminProvider();
        var drafts = new List<ListingDraft>(Listings);
        for (var i = 0; i < Listings; i++)
        {
            // Every row "common"; the first 1,500 "middle" too; one in a hundred for malware.
            var detail = Detail(i);
            var reason = i % 100 == 0 ? ListingReason.Malware : i % 3 == 0 ? ListingReason.Phishing : ListingReason.Spam;
            drafts.Add(new ListingDraft(IpNetwork.Single(IPAddress.Parse(Address(i))), reason, detail, ListingSource.Admin));
        }
        await _harness.Blocklist.ListManyAsync(drafts, Actor.Admin("alice"), null);
        if (_provider == DatabaseProvider.PostgreSQL)
        {
            await using var db = _harness.Database.CreateDbContext();
            await db.Database.ExecuteSqlRawAsync("ANALYZE \"Listings\"");
        }
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        _harness.Dispose();
    }

    [Fact]
    public async Task ATextInMoreListingsThanTheLookupTakesIsMoreThanTheSmallCap()
    {
        Assert.Equal(new GridTotal(ListingGridQuery.CommonTextCountCap, Exact: false), await TotalAsync(new ListingFilter { Search = "common" }));
        // 3,500 phishing listings hold it: still "more than" the small cap, as SQLite's walk counts it.
        Assert.Equal(new GridTotal(ListingGridQuery.CommonTextCountCap, Exact: false), await TotalAsync(new ListingFilter { Search = "common", Reason = ListingReason.Phishing }));
        Assert.Equal(new GridTotal(Enumerable.Range(0, Listings).Count(i => i % 100 == 0), Exact: true), await TotalAsync(new ListingFilter { Search = "common", Reason = ListingReason.Malware }));
    }

    [Fact]
    public async Task ATextInFewerListingsThanTheLookupTakesIsCountedExactly()
    {
        Assert.Equal(new GridTotal(Middle, Exact: true), await TotalAsync(new ListingFilter { Search = "MIDDLE" }));
        Assert.Equal(new GridTotal(Enumerable.Range(0, Middle).Count(i => i % 3 == 0 && i % 100 != 0), Exact: true),
            await TotalAsync(new ListingFilter { Search = "middle", Reason = ListingReason.Phishing }));
        Assert.Equal(new GridTotal(0, Exact: true), await TotalAsync(new ListingFilter { Search = "no such listing" }));
    }

    [Fact]
    public async Task ARareTextOfCommonWordsFindsItsRowAndItsPagesAreTheWalksRows()
    {
        var rare = await Service.QueryAsync(Principals.Viewer(), new ListingPageRequest(new ListingFilter { Search = "Common row 777:" }, 25) { WithTotal = true });
        Assert.Equal(["11.0.3.9"], rare.Items.Select(l => l.Network));
        Assert.Equal(new GridTotal(1, Exact: true), rare.Total);
        // Its rarest word is in that row, the whole text in none.
        Assert.Empty((await Service.QueryAsync(Principals.Viewer(), new ListingPageRequest(new ListingFilter { Search = "Common row 777: common" }, 25))).Items);

        var filter = new ListingFilter { Search = "row 12", SortBy = ListingSortColumn.Network, Descending = true };
        var page = await Service.QueryAsync(Principals.Viewer(), new ListingPageRequest(filter, 5));
        // Listing i is 11.0.(i / 256).(i % 256): by network is by i.
        var expected = Enumerable.Range(0, Listings).Where(i => $"common row {i}:".Contains("row 12", StringComparison.Ordinal))
            .OrderByDescending(i => i).Take(5).Select(Address);
        Assert.Equal(expected, page.Items.Select(l => l.Network));
    }

    [Fact]
    public async Task TheBeginningOfAnAddressIsCountedAndPagedLikeAText()
    {
        // Listing i is 11.0.(i / 256).(i % 256): "11.0.3" begins 11.0.3.x and 11.0.30-39.x.
        var begun = Enumerable.Range(0, Listings).Where(i => Address(i).StartsWith("11.0.3", StringComparison.Ordinal)).ToList();
        Assert.InRange(begun.Count, ListingGridQuery.CommonTextCountCap + 1, ListingGridQuery.TextMatchCap);
        Assert.Equal(new GridTotal(begun.Count, Exact: true), await TotalAsync(new ListingFilter { Search = "11.0.3" }));
        Assert.Equal(new GridTotal(begun.Count(i => i % 100 == 0), Exact: true), await TotalAsync(new ListingFilter { Search = "11.0.3", Reason = ListingReason.Malware }));
        var page = await Service.QueryAsync(Principals.Viewer(), new ListingPageRequest(new ListingFilter { Search = "11.0.3", SortBy = ListingSortColumn.Network, Descending = true }, 5));
        Assert.Equal(begun.OrderByDescending(i => i).Take(5).Select(Address), page.Items.Select(l => l.Network));

        // Every listing begins with "11.0.": more than the lookup takes, so walked.
        Assert.Equal(new GridTotal(ListingGridQuery.CommonTextCountCap, Exact: false), await TotalAsync(new ListingFilter { Search = "11.0." }));
        var walked = await Service.QueryAsync(Principals.Viewer(), new ListingPageRequest(new ListingFilter { Search = "11.0.", SortBy = ListingSortColumn.Network, Descending = true }, 5));
        Assert.Equal(Enumerable.Range(Listings - 5, 5).Reverse().Select(Address), walked.Items.Select(l => l.Network));
        Assert.Equal(new GridTotal(0, Exact: true), await TotalAsync(new ListingFilter { Search = "11.1." }));
    }

    [Fact]
    public async Task ATextOfCommonWordsInNoRowFindsNothing()
    {
        // Every row holds "row" and "common", never in that order.
        var page = await Service.QueryAsync(Principals.Viewer(), new ListingPageRequest(new ListingFilter { Search = "row common" }, 25) { WithTotal = true });
        Assert.Empty(page.Items);
        Assert.Equal(new GridTotal(0, Exact: true), page.Total);
    }

    /// <summary>
    /// Texts of each kind, each a substring of the details as SQLite's FTS5 trigram index answers it: the page (by
    /// network, newest first) and the total are what the rows themselves say, on either provider.
    /// </summary>
    [Theory]
    [InlineData("Common row 777:")] // one row, of common words
    [InlineData("COMMON")] // every row
    [InlineData("row 12")] // 111 rows
    [InlineData("middle")] // 1,500 rows
    [InlineData("row common")] // common words, in no row
    [InlineData("mmon ro")] // fragments of two words
    [InlineData("w 1234: mid")] // fragments, and punctuation between words
    [InlineData("on row 7")] // 1,111 rows, across words
    [InlineData("no such listing")]
    [InlineData("qrow")] // the search key's letter for a space, as text: in no detail
    [InlineData("50% off_")] // LIKE's wildcards, as text
    public async Task EveryKindOfTextFindsTheRowsThatHoldIt(string text)
    {
        var holding = Enumerable.Range(0, Listings).Where(i => Detail(i).Contains(text, StringComparison.OrdinalIgnoreCase)).ToList();
        var filter = new ListingFilter { Search = text, SortBy = ListingSortColumn.Network, Descending = true };
        var page = await Service.QueryAsync(Principals.Viewer(), new ListingPageRequest(filter, 25) { WithTotal = true });
        Assert.Equal(holding.OrderByDescending(i => i).Take(25).Select(Address), page.Items.Select(l => l.Network));
        var total = holding.Count > ListingGridQuery.TextMatchCap
            ? new GridTotal(ListingGridQuery.CommonTextCountCap, Exact: false)
            : new GridTotal(holding.Count, Exact: true);
        Assert.Equal(total, page.Total);
    }

    private static string Detail(int i) => $"common row {i}:" + (i < Middle ? " middle" : "");

    private static string Address(int i) => $"11.0.{i / 256}.{i % 256}";

    private Task<GridTotal> TotalAsync(ListingFilter filter) => Service.CountAsync(Principals.Viewer(), filter);

    /// <summary>The plan of a text's count, run (EXPLAIN ANALYZE), with the walks priced out so that the trigram index answers.</summary>
    protected async Task<string> ExplainCountAsync(string text)
    {
        ListingGridQuery.TextSearch search;
        await using (var db = _harness.Database.CreateDbContext())
        {
            search = await PostgreSqlTextLookup.FindAsync(db, text, CancellationToken.None);
        }
        var plan = await QueryPlan.ExplainOnPostgreSqlAsync(_harness.Database,
            ListingGridQuery.CappedCount(new ListingFilter { Search = text }, search, ListingGridQuery.TextMatchCap),
            "SET enable_seqscan = off; SET enable_indexscan = off", analyze: true);
        return string.Join("\n", plan);
    }

    /// <summary>What PostgreSQL makes of <paramref name="text"/> with the search key's expression.</summary>
    protected async Task<string> KeyInTheDatabaseAsync(string text)
    {
        await using var db = _harness.Database.CreateDbContext();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ListingSearch.KeyPostgreSql("@text")}";
        command.Parameters.Add(new Npgsql.NpgsqlParameter("text", text));
        return (string)(await command.ExecuteScalarAsync())!;
    }
}

/// <summary>The same totals on the real PostgreSQL server (PostgreSqlTextLookup and the counts of ListingAdminService).</summary>
public sealed partial class TextSearchTotalsOnPostgreSqlTests() : TextSearchTotalsTests(DatabaseProvider.PostgreSQL)
{
    /// <summary>
    /// pg_trgm indexes each word's trigrams alone: on the detail itself, "row common" asked for trigrams in every row, and
    /// every row was checked and thrown away (1.3-1.9 s at a million listings). The search key's trigrams span words:
    /// "wqc" is in no row's key.
    /// </summary>
    [Fact]
    public async Task ATextOfCommonWordsInNoRowIsInNoRowOfTheIndex()
    {
        var plan = await ExplainCountAsync("row common");
        var examined = RowsRemoved().Matches(plan).Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(examined == 0, $"{examined} rows checked and thrown away:\n{plan}");
        Assert.Contains("IX_Listings_SearchKey", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSearchKeyIsTheSameInTheDatabaseAsInThePortal()
    {
        // Every printable ASCII character, and a few others (kept as they are).
        var text = new string([.. Enumerable.Range(' ', '~' - ' ' + 1).Select(c => (char)c)]) + " äÉ— \t";
        Assert.Equal(ListingSearch.KeyFor(text), await KeyInTheDatabaseAsync(text));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Rows Removed by (?:Index Recheck|Filter): (\d+)")]
    private static partial System.Text.RegularExpressions.Regex RowsRemoved();
}
