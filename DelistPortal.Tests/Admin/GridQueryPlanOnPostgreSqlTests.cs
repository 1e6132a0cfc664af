using System.Net;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;

namespace DelistPortal.Tests.Admin;

/// <summary>
/// PostgreSQL's plan for the grid's pages, as <see cref="ListingGridSql"/> adapts them: with table scans and sorts priced
/// out (<c>enable_seqscan</c>, <c>enable_sort</c> off: a handful of test rows would make the planner scan anyway), every
/// page must still be an index scan in the page's order. A plan that keeps a full Sort or a Seq Scan on the listings has
/// no index to serve it, and at a million listings that costs hundreds of milliseconds. (An Incremental Sort, on the
/// listing id within rows of equal sort value, is allowed: PostgreSQL's indexes do not end with the row id as SQLite's do.)
/// Searches are not checked here: with a few rows PostgreSQL rightly filters the sort's index instead of seeking the
/// address keys; the benchmark at a million listings shows what it chooses there (docs/benchmarks-admin.md).
/// </summary>
public sealed partial class GridQueryPlanOnPostgreSqlTests : IAsyncLifetime
{
    private readonly DelistingHarness _harness = new(DatabaseProvider.PostgreSQL);
    private Listing _dated = null!;

    public async Task InitializeAsync()
    {
        await _harness.ListAsync("203.0.113.7");
        var result = await _harness.Blocklist.ListAsync(
            new ListingDraft(IpNetwork.Single(IPAddress.Parse("203.0.113.8")), ListingReason.Phishing, "Dated", ListingSource.Admin), Actor.Admin("alice"), null);
        _dated = result.Listing!;
    }

    public Task DisposeAsync()
    {
        _harness.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task EveryPageOfEverySortAndFilterIsAnIndexScanInThePagesOrder()
    {
        var failures = new List<string>();
        foreach (var status in new ListingStatus?[] { null, ListingStatus.Active, ListingStatus.Delisted })
        {
            foreach (var reason in new ListingReason?[] { null, ListingReason.Spam })
            {
                foreach (var sort in Enum.GetValues<ListingSortColumn>())
                {
                    foreach (var descending in new[] { false, true })
                    {
                        var filter = new ListingFilter { Status = status, Reason = reason, SortBy = sort, Descending = descending };
                        foreach (var request in new[] { new ListingPageRequest(filter, 25), new ListingPageRequest(filter, 25) { At = PageAt.Next, From = _dated } })
                        {
                            foreach (var query in ListingGridQuery.Page(request, ListingGridQuery.TextSearch.None, 26))
                            {
                                var plan = await ExplainAsync(query);
                                if (plan.Any(line => line.Contains("Seq Scan on \"Listings\"", StringComparison.Ordinal) || SortNode().IsMatch(line)))
                                {
                                    failures.Add($"{status} {reason} {sort} {(descending ? "desc" : "asc")} {request.At}:\n{string.Join("\n", plan)}");
                                }
                            }
                        }
                    }
                }
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} pages without an index in their order, e.g.\n{string.Join("\n\n", failures.Take(3))}");
    }

    /// <summary>A full sort of the matches (not an Incremental Sort, not a "Sort Key:" detail line).</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*(->\s+)?Sort\s+\(cost")]
    private static partial System.Text.RegularExpressions.Regex SortNode();

    private Task<IReadOnlyList<string>> ExplainAsync(ListingGridQuery.Sql query) =>
        QueryPlan.ExplainOnPostgreSqlAsync(_harness.Database, query, "SET enable_seqscan = off; SET enable_sort = off; SET enable_bitmapscan = off");
}
