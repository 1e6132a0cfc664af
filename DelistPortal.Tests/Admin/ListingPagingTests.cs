using System.Net;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Admin;

/// <summary>
/// Paging by key reaches every row of every view exactly once, forwards from the first page and backwards from the
/// last, whatever the sort (ties included: most listings here share their listing time) and the filters.
/// </summary>
public class ListingPagingTests : IAsyncLifetime
{
    private const int PageSize = 4;

    private readonly DelistingHarness _harness;

    public ListingPagingTests()
        : this(DatabaseProvider.Sqlite)
    {
    }

    protected ListingPagingTests(DatabaseProvider provider) => _harness = new(provider);
    private ServiceProvider _services = null!;
    private List<Listing> _all = [];

    private ListingAdminService Service => _services.GetRequiredService<ListingAdminService>();

    public async Task InitializeAsync()
    {
        _services = _harness.BuildAdminProvider();
        var reasons = new[] { ListingReason.Spam, ListingReason.Phishing, ListingReason.Malware };
        var drafts = new List<ListingDraft>();
        for (var i = 0; i < 60; i++)
        {
            var network = i % 6 == 0
                ? new IpNetwork(IPAddress.Parse($"198.51.{i}.0"), 24)
                : i % 5 == 0 ? IpNetwork.Single(IPAddress.Parse($"2001:db8::{i:x}")) : IpNetwork.Single(IPAddress.Parse($"203.0.113.{i}"));
            drafts.Add(new ListingDraft(network, reasons[i % 3], $"Listing {i}", ListingSource.Admin)
            {
                // A third never expires, the rest in a handful of distinct instants (ties again).
                Permanent = i % 3 == 1,
                ExpiresAt = i % 3 == 1 ? null : DelistingHarness.Start.AddDays(1 + i % 4),
            });
        }
        await _harness.Blocklist.ListManyAsync(drafts[..30], Actor.Admin("alice"), null);
        _harness.Clock.Advance(TimeSpan.FromMinutes(5));
        await _harness.Blocklist.ListManyAsync(drafts[30..], Actor.Admin("alice"), null);
        await using (var db = _harness.Database.CreateDbContext())
        {
            var ids = await db.Listings.OrderBy(l => l.Id).Select(l => new { l.Id, l.Version }).ToListAsync();
            foreach (var listing in ids.Where((_, i) => i % 4 == 0))
            {
                await _harness.Blocklist.DelistAsync(listing.Id, listing.Version, Actor.Admin("alice"), "done", null);
            }
        }
        await using (var db = _harness.Database.CreateDbContext())
        {
            _all = await db.Listings.AsNoTracking().ToListAsync();
        }
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        _harness.Dispose();
    }

    public static TheoryData<ListingSortColumn, bool> Sorts()
    {
        var data = new TheoryData<ListingSortColumn, bool>();
        foreach (var column in Enum.GetValues<ListingSortColumn>())
        {
            data.Add(column, false);
            data.Add(column, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Sorts))]
    public async Task EveryPageFollowsTheLastAndTheLastPageIsTheEnd(ListingSortColumn sort, bool descending)
    {
        foreach (var (status, reason) in new (ListingStatus?, ListingReason?)[]
                 {
                     (null, null), (ListingStatus.Active, null), (ListingStatus.Delisted, null), (null, ListingReason.Phishing),
                     (ListingStatus.Active, ListingReason.Malware), (ListingStatus.Delisted, ListingReason.Spam),
                 })
        {
            var filter = new ListingFilter { Status = status, Reason = reason, SortBy = sort, Descending = descending };
            var expected = Expected(filter);
            var because = $"{sort} {(descending ? "desc" : "asc")}, status {status}, reason {reason}";

            Assert.True(expected.Count > PageSize, because);
            Assert.Equal(new GridTotal(expected.Count, Exact: true), await Service.CountAsync(Principals.Viewer(), filter));
            Assert.Equal(expected, await ForwardsAsync(filter));
            Assert.Equal(expected, await BackwardsAsync(filter, expected.Count));
        }
    }

    [Fact]
    public async Task AViewThatFitsOnItsFirstPageTakesItsTotalFromItsRows()
    {
        var filter = new ListingFilter { Status = ListingStatus.Active, Reason = ListingReason.Malware };
        var rows = Expected(filter);
        Assert.InRange(rows.Count, 1, 25);
        // The tallies made wrong on purpose: a total from a count would show it.
        await using (var db = _harness.Database.CreateDbContext())
        {
            await db.ListingTallies.Where(t => t.Status == ListingStatus.Active && t.Reason == ListingReason.Malware)
                .ExecuteUpdateAsync(set => set.SetProperty(t => t.Count, t => t.Count + 1000));
        }

        var page = await Service.QueryAsync(Principals.Viewer(), new ListingPageRequest(filter, 25) { WithTotal = true });
        Assert.Equal(rows, page.Items.Select(l => l.Id));
        Assert.Equal(new GridTotal(rows.Count, Exact: true), page.Total);
        var last = await Service.QueryAsync(Principals.Viewer(), new ListingPageRequest(filter, 25) { At = PageAt.Last, LastPageRows = 25, WithTotal = true });
        Assert.Equal(new GridTotal(rows.Count, Exact: true), last.Total);
        // A page with more beyond it still counts (here the wrong tally, which shows that it was asked).
        var first = await Service.QueryAsync(Principals.Viewer(), new ListingPageRequest(filter, 2) { WithTotal = true });
        Assert.Equal(new GridTotal(rows.Count + 1000, Exact: true), first.Total);
    }

    [Fact]
    public async Task ASearchPagesThroughItsMatchesToo()
    {
        var filter = new ListingFilter { Search = "Listing", SortBy = ListingSortColumn.Network, Descending = false };

        var ids = await ForwardsAsync(filter);

        Assert.Equal(_all.Count, ids.Count);
        Assert.Equal(new GridTotal(_all.Count, Exact: true), await Service.CountAsync(Principals.Viewer(), filter));
    }

    [Theory]
    [InlineData("198.51.12.77")]
    [InlineData("203.0.113.31")]
    [InlineData("192.0.2.1")]
    public async Task AJumpShowsTheViewFromTheWidestListingThatHoldsTheAddressAndCountsTheRowsBeforeIt(string address)
    {
        var network = IpNetwork.Single(IPAddress.Parse(address));
        foreach (var (status, reason) in new (ListingStatus?, ListingReason?)[] { (null, null), (ListingStatus.Active, null), (ListingStatus.Active, ListingReason.Spam) })
        {
            var view = new ListingFilter { Status = status, Reason = reason, SortBy = ListingSortColumn.Network, Descending = false };
            var rows = Expected(view).Select(id => _all.Single(l => l.Id == id)).ToList();
            // The widest listing of the view that holds the address starts first; with none, where the address would sort.
            var start = rows.Where(l => string.CompareOrdinal(l.RangeStart, network.StartKey) <= 0 && string.CompareOrdinal(l.RangeEnd, network.EndKey) >= 0)
                .Select(l => l.RangeStart).DefaultIfEmpty(network.StartKey).Min(StringComparer.Ordinal)!;
            var before = rows.Count(l => string.CompareOrdinal(l.RangeStart, start) < 0);
            var because = $"{address}, status {status}, reason {reason}";

            var jump = await Service.JumpAsync(Principals.Viewer(), view with { Search = address }, network, PageSize);

            Assert.True(before < rows.Count, because);
            Assert.Equal(rows.Skip(before).Take(PageSize).Select(l => l.Id), jump.Page.Items.Select(l => l.Id));
            Assert.Equal(before, await Service.CountRowsBeforeAsync(Principals.Viewer(), jump));
            // The active views are counted in the lookup index: the database's count must agree.
            Assert.Equal(before, await Service.CountRowsBeforeInDatabaseAsync(jump, CancellationToken.None));
        }
    }

    private async Task<List<int>> ForwardsAsync(ListingFilter filter)
    {
        var seen = new List<int>();
        var page = await Service.QueryAsync(Principals.Viewer(), new ListingPageRequest(filter, PageSize));
        seen.AddRange(page.Items.Select(l => l.Id));
        while (page.MoreBeyond)
        {
            Assert.Equal(PageSize, page.Items.Count);
            page = await Service.QueryAsync(Principals.Viewer(), new ListingPageRequest(filter, PageSize) { At = PageAt.Next, From = page.Items[^1] });
            seen.AddRange(page.Items.Select(l => l.Id));
        }
        return seen;
    }

    private async Task<List<int>> BackwardsAsync(ListingFilter filter, int total)
    {
        var lastRows = total - (total - 1) / PageSize * PageSize;
        var page = await Service.QueryAsync(Principals.Viewer(), new ListingPageRequest(filter, PageSize) { At = PageAt.Last, LastPageRows = lastRows });
        Assert.Equal(lastRows, page.Items.Count);
        var pages = new List<IReadOnlyList<Listing>> { page.Items };
        while (page.MoreBeyond)
        {
            page = await Service.QueryAsync(Principals.Viewer(), new ListingPageRequest(filter, PageSize) { At = PageAt.Previous, From = page.Items[0] });
            Assert.Equal(PageSize, page.Items.Count);
            pages.Insert(0, page.Items);
        }
        return pages.SelectMany(p => p.Select(l => l.Id)).ToList();
    }

    /// <summary>The view's order, worked out here: the grid's sort, then the listing time for categories, then the id.</summary>
    private List<int> Expected(ListingFilter filter)
    {
        var rows = _all.Where(l => (filter.Status is null || l.Status == filter.Status) && (filter.Reason is null || l.Reason == filter.Reason));
        var ordered = filter.SortBy switch
        {
            ListingSortColumn.Network => rows.OrderBy(l => l.RangeStart, StringComparer.Ordinal).ThenBy(l => l.RangeEnd, StringComparer.Ordinal),
            ListingSortColumn.Reason => rows.OrderBy(l => l.Reason.ToString(), StringComparer.Ordinal).ThenBy(l => l.ListedAt),
            ListingSortColumn.Status => rows.OrderBy(l => l.Status.ToString(), StringComparer.Ordinal).ThenBy(l => l.ListedAt),
            // "Never" after every date.
            ListingSortColumn.ExpiresAt => rows.OrderBy(l => l.ExpiresAt ?? DateTimeOffset.MaxValue),
            _ => rows.OrderBy(l => l.ListedAt),
        };
        var ids = ordered.ThenBy(l => l.Id).Select(l => l.Id).ToList();
        if (filter.Descending)
        {
            ids.Reverse();
        }
        return ids;
    }
}

/// <summary>The same tests on the real PostgreSQL server (the grid's SQL as PostgreSQL runs it: ListingGridSql).</summary>
public sealed class ListingPagingOnPostgreSqlTests() : ListingPagingTests(DatabaseProvider.PostgreSQL);
