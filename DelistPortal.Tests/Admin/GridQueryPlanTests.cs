using System.Net;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Admin;

/// <summary>
/// SQLite's own plan for every page the listings grid can ask for: each filter and sort has an index that gives the
/// page's rows in order (no table scan, no sort of the matches, and with a filter no walk of a whole index); a search
/// is a set of index seeks. With a million listings, any of these would cost hundreds of milliseconds (issue 12).
/// </summary>
public sealed class GridQueryPlanTests : IAsyncLifetime
{
    private readonly DelistingHarness _harness = new();
    private Listing _dated = null!;
    private Listing _permanent = null!;

    public async Task InitializeAsync()
    {
        _permanent = await _harness.ListAsync("203.0.113.7");
        var result = await _harness.Blocklist.ListAsync(
            new ListingDraft(IpNetwork.Single(IPAddress.Parse("203.0.113.8")), ListingReason.Phishing, "Dated", ListingSource.Admin), Actor.Admin("alice"), null);
        _dated = result.Listing!;
    }

    public Task DisposeAsync()
    {
        _harness.Dispose();
        return Task.CompletedTask;
    }

    public static TheoryData<ListingStatus?, ListingReason?> Filters()
    {
        var data = new TheoryData<ListingStatus?, ListingReason?>();
        foreach (var status in new ListingStatus?[] { null, ListingStatus.Active, ListingStatus.Delisted, ListingStatus.Expired })
        {
            foreach (var reason in new ListingReason?[] { null, ListingReason.Spam })
            {
                data.Add(status, reason);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task EveryPageOfEverySortIsReadInIndexOrder(ListingStatus? status, ListingReason? reason)
    {
        var failures = new List<string>();
        foreach (var sort in Enum.GetValues<ListingSortColumn>())
        {
            foreach (var descending in new[] { false, true })
            {
                var filter = new ListingFilter { Status = status, Reason = reason, SortBy = sort, Descending = descending };
                foreach (var request in Requests(filter))
                {
                    foreach (var query in ListingGridQuery.Page(request, ListingGridQuery.TextSearch.None, 26))
                    {
                        var plan = await QueryPlan.ExplainAsync(_harness.Database.ConnectionString, query.Text, query.Parameters.Select(p => (p.ParameterName, p.Value)));
                        var bad = QueryPlan.TableScans(query.Text, plan).Concat(QueryPlan.SortSteps(plan))
                            // Without a filter the page walks the sort's index from one end, and stops after a page; so
                            // it does in the index of active listings by network, which holds the active ones only.
                            .Concat(status is null && reason is null ? [] : QueryPlan.IndexWalks(plan)
                                .Where(line => !(status == ListingStatus.Active && reason is null && line == "SCAN l USING INDEX IX_Listings_ActiveNetwork")))
                            .ToList();
                        if (bad.Count > 0)
                        {
                            failures.Add($"{sort} {(descending ? "desc" : "asc")} {request.At}: {string.Join(" | ", plan)}\n  {query.Text}");
                        }
                    }
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData("203.0.113.7")]
    [InlineData("203.0.113.0/24")]
    [InlineData("2001:db8::/32")]
    public async Task AnAddressOrRangeSearchSeeksTheCandidateNetworks(string search)
    {
        foreach (var status in new ListingStatus?[] { null, ListingStatus.Active, ListingStatus.Expired })
        {
            foreach (var sort in Enum.GetValues<ListingSortColumn>())
            {
                var filter = new ListingFilter { Search = search, Status = status, SortBy = sort };
                foreach (var query in ListingGridQuery.Page(new ListingPageRequest(filter, 25), ListingGridQuery.TextSearch.None, 26)
                             .Append(ListingGridQuery.CappedCount(filter, ListingGridQuery.TextSearch.None, ListingGridQuery.SearchCountCap)))
                {
                    await AssertSeeksOnlyAsync(query);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task AJumpToANetworkSeeksItsStartAndCountsTheRowsBeforeItInAnIndexRange(ListingStatus? status, ListingReason? reason)
    {
        var filter = new ListingFilter { Status = status, Reason = reason };
        foreach (var network in new[] { IpNetwork.Single(IPAddress.Parse("203.0.113.7")), IpNetwork.Parse("2001:db8::/48") })
        {
            var start = ListingGridQuery.JumpStart(filter, network);
            await AssertSeeksOnlyAsync(start);
            // The candidate networks' starts, looked up one by one (ADR 009): an index range of every listing of the
            // status or reason (SEARCH … (Status=?)) is no seek, and at a million listings it took half a second.
            var plan = await QueryPlan.ExplainAsync(_harness.Database.ConnectionString, start.Text, start.Parameters.Select(p => (p.ParameterName, p.Value)));
            Assert.True(plan.Any(line => line.StartsWith("SEARCH l USING ", StringComparison.Ordinal) && line.Contains("RangeStart=?", StringComparison.Ordinal)),
                $"{start.Text}\n{string.Join("\n", plan)}");
            await AssertSeeksOnlyAsync(ListingGridQuery.RowsBefore(filter, network.StartKey));
        }
    }

    [Fact]
    public async Task ASelectiveTextSearchGoesThroughTheTrigramIndex()
    {
        var filter = new ListingFilter { Search = "spam traps", Status = ListingStatus.Active, Reason = ListingReason.Spam };
        foreach (var query in ListingGridQuery.Page(new ListingPageRequest(filter, 25), new ListingGridQuery.TextSearch(ListingGridQuery.TextMode.Indexed, "[1,2,3]", 3), 26)
                     .Append(ListingGridQuery.CappedCount(filter, new ListingGridQuery.TextSearch(ListingGridQuery.TextMode.Indexed, "[1,2,3]", 3), ListingGridQuery.SearchCountCap)))
        {
            await AssertSeeksOnlyAsync(query);
        }
    }

    [Fact]
    public async Task ACommonTextWalksTheSortsIndexWithoutSorting()
    {
        var filter = new ListingFilter { Search = "spam traps", Status = ListingStatus.Active };
        var query = Assert.Single(ListingGridQuery.Page(new ListingPageRequest(filter, 25), ListingGridQuery.TextSearch.Walk, 26));

        var plan = await QueryPlan.ExplainAsync(_harness.Database.ConnectionString, query.Text, query.Parameters.Select(p => (p.ParameterName, p.Value)));

        Assert.Empty(QueryPlan.TableScans(query.Text, plan));
        Assert.Empty(QueryPlan.SortSteps(plan));
        Assert.Contains(plan, line => line.StartsWith("SEARCH l USING INDEX IX_Listings_Status_ListedAt", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheBeginningOfAnAddressIsLookedUpInTheIndexOfNetworkStarts()
    {
        await AssertSeeksOnlyAsync(ListingGridQuery.AddressMatches("203.0.11")!);
        await AssertSeeksOnlyAsync(ListingGridQuery.AddressMatches("2001:db8:b")!);

        // Too many to look up ("more than" the lookup takes): the walk of the sort's index checks them.
        var filter = new ListingFilter { Search = "203.0.", Status = ListingStatus.Active };
        var query = Assert.Single(ListingGridQuery.Page(new ListingPageRequest(filter, 25), ListingGridQuery.TextSearch.Walk, 26));
        var plan = await QueryPlan.ExplainAsync(_harness.Database.ConnectionString, query.Text, query.Parameters.Select(p => (p.ParameterName, p.Value)));
        Assert.Empty(QueryPlan.TableScans(query.Text, plan));
        Assert.Empty(QueryPlan.SortSteps(plan));
    }

    private async Task AssertSeeksOnlyAsync(ListingGridQuery.Sql query)
    {
        var plan = await QueryPlan.ExplainAsync(_harness.Database.ConnectionString, query.Text, query.Parameters.Select(p => (p.ParameterName, p.Value)));
        Assert.True(QueryPlan.TableScans(query.Text, plan).Count == 0 && QueryPlan.IndexWalks(plan).Count == 0,
            $"{query.Text}\n{string.Join("\n", plan)}");
    }

    /// <summary>The first and last pages, and the pages on either side of a row with and without an expiry.</summary>
    private IEnumerable<ListingPageRequest> Requests(ListingFilter filter)
    {
        yield return new ListingPageRequest(filter, 25);
        yield return new ListingPageRequest(filter, 25) { At = PageAt.Last, LastPageRows = 3 };
        foreach (var row in new[] { _dated, _permanent })
        {
            yield return new ListingPageRequest(filter, 25) { At = PageAt.Next, From = row };
            yield return new ListingPageRequest(filter, 25) { At = PageAt.Previous, From = row };
        }
    }
}
