using System.Net;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Admin;

/// <summary>
/// The history is read by key like the listings grid: every event of a view is reached exactly once, forwards from the
/// first page and backwards from the last, with many events of one instant (an import writes them so), and each page
/// is a seek in an index that gives it in order (issue 12: a million imported listings are a million events).
/// </summary>
public sealed class HistoryPagingTests : IAsyncLifetime
{
    private const int PageSize = 4;

    private readonly QueryRecorder _recorder = new();
    private readonly DelistingHarness _harness;
    private ServiceProvider _services = null!;
    private List<ListingEvent> _all = [];

    public HistoryPagingTests() => _harness = new DelistingHarness(_recorder);

    private HistoryService Service => _services.GetRequiredService<HistoryService>();

    public async Task InitializeAsync()
    {
        _services = _harness.BuildAdminProvider();
        var drafts = Enumerable.Range(0, 30).Select(i => new ListingDraft(
            i % 5 == 0 ? new IpNetwork(IPAddress.Parse($"198.51.{i}.0"), 24) : IpNetwork.Single(IPAddress.Parse($"203.0.113.{i}")),
            ListingReason.Spam, $"Listing {i}", ListingSource.Import)).ToList();
        // Two batches: fifteen events of one instant each.
        await _harness.Blocklist.ListManyAsync(drafts[..15], Actor.Admin("alice"), null);
        _harness.Clock.Advance(TimeSpan.FromMinutes(5));
        await _harness.Blocklist.ListManyAsync(drafts[15..], Actor.Admin("bob"), null);
        await using (var db = _harness.Database.CreateDbContext())
        {
            foreach (var listing in await db.Listings.OrderBy(l => l.Id).Where(l => l.Id % 3 == 0).ToListAsync())
            {
                _harness.Clock.Advance(TimeSpan.FromSeconds(1));
                await _harness.Blocklist.DelistAsync(listing.Id, listing.Version, Actor.System, "expired by test", null);
            }
        }
        await using (var db = _harness.Database.CreateDbContext())
        {
            _all = await db.ListingEvents.AsNoTracking().ToListAsync();
        }
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        _harness.Dispose();
    }

    public static TheoryData<string> Filters() => new(Views.Keys);

    private static readonly Dictionary<string, (HistoryFilter Filter, Func<ListingEvent, bool> Matches)> Views = new()
    {
        ["all"] = (new HistoryFilter(), _ => true),
        ["kind"] = (new HistoryFilter { Kind = ListingEventKind.Listed }, e => e.Kind == ListingEventKind.Listed),
        ["actor kind"] = (new HistoryFilter { ActorKind = ActorKind.Admin }, e => e.ActorKind == ActorKind.Admin),
        ["actor"] = (new HistoryFilter { Actor = "bo" }, e => e.ActorName.Contains("bo", StringComparison.Ordinal)),
        ["range"] = (new HistoryFilter { Network = "203.0.113.0/24" }, e => e.Network.StartsWith("203.0.113.", StringComparison.Ordinal)),
        ["dates"] = (new HistoryFilter { From = DelistingHarness.Start.AddMinutes(1), To = DelistingHarness.Start.AddMinutes(6) },
            e => e.At >= DelistingHarness.Start.AddMinutes(1) && e.At < DelistingHarness.Start.AddMinutes(6)),
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task EveryPageFollowsTheLastAndTheLastPageIsTheEnd(string view)
    {
        var (filter, matches) = Views[view];
        var expected = _all.Where(matches).OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Select(e => e.Id).ToList();
        Assert.True(expected.Count > 2 * PageSize, $"{view}: {expected.Count} events");

        var first = await Service.QueryAsync(Principals.Viewer(), new HistoryPageRequest(filter, new PageMove<ListingEvent>(PageAt.First, null, null, WithTotal: true), PageSize));
        Assert.Equal(new GridTotal(expected.Count, Exact: true), first.Total);
        Assert.Equal(expected, await ForwardsAsync(filter, first));
        Assert.Equal(expected, await BackwardsAsync(filter, expected.Count));
    }

    [Fact]
    public async Task AFilteredViewBeyondTheCapSaysMoreThanAndTheWholeHistoryIsCountedExactly()
    {
        var drafts = Enumerable.Range(0, HistoryService.CountCap + 1).Select(i =>
            new ListingDraft(IpNetwork.Single(new IPAddress(0x0A000000u + (uint)i)), ListingReason.Spam, "Imported", ListingSource.Import)).ToList();
        await _harness.Blocklist.ListManyAsync(drafts, Actor.Admin("carol"), null);
        var move = new PageMove<ListingEvent>(PageAt.First, null, null, WithTotal: true);

        var filtered = await Service.QueryAsync(Principals.Viewer(), new HistoryPageRequest(new HistoryFilter { Actor = "carol" }, move, PageSize));
        var whole = await Service.QueryAsync(Principals.Viewer(), new HistoryPageRequest(new HistoryFilter(), move, PageSize));

        Assert.Equal(new GridTotal(HistoryService.CountCap, Exact: false), filtered.Total);
        Assert.Equal(new GridTotal(_all.Count + HistoryService.CountCap + 1, Exact: true), whole.Total);
    }

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task EveryPageIsASeekInAnIndexInTheHistorysOrder(string view)
    {
        var (filter, _) = Views[view];
        _recorder.Clear();
        var top = _all.MaxBy(e => (e.At, e.Id))!;
        var bottom = _all.MinBy(e => (e.At, e.Id))!;
        foreach (var move in new[]
                 {
                     new PageMove<ListingEvent>(PageAt.First, null, null, false), new PageMove<ListingEvent>(PageAt.Next, top, null, false),
                     new PageMove<ListingEvent>(PageAt.Previous, bottom, null, false), new PageMove<ListingEvent>(PageAt.Last, null, 3, false),
                 })
        {
            await Service.QueryAsync(Principals.Viewer(), new HistoryPageRequest(filter, move, PageSize));
        }

        var queries = _recorder.Queries;
        Assert.Equal(4, queries.Count);
        foreach (var query in queries)
        {
            var plan = await QueryPlan.ExplainAsync(_harness.Database.ConnectionString, query);
            // An address or range is a set of seeks (ADR 009) whose events are then sorted, as in the listings grid;
            // every other view reads an index in the history's order and stops after a page: a seek to its kind, actor
            // kind or dates, and a walk only for the whole history and for a name's text (it can be anywhere).
            var sorts = filter.Network is null ? QueryPlan.SortSteps(plan) : [];
            var walks = view is "all" or "actor" ? [] : QueryPlan.IndexWalks(plan);
            Assert.True(QueryPlan.TableScans(query.Sql, plan).Count == 0 && sorts.Count == 0 && walks.Count == 0,
                $"{view}:\n{query.Sql}\n{string.Join("\n", plan)}");
        }
    }

    private async Task<List<long>> ForwardsAsync(HistoryFilter filter, HistoryPage page)
    {
        var seen = page.Items.Select(e => e.Id).ToList();
        while (page.MoreBeyond)
        {
            Assert.Equal(PageSize, page.Items.Count);
            page = await Service.QueryAsync(Principals.Viewer(), new HistoryPageRequest(filter, new PageMove<ListingEvent>(PageAt.Next, page.Items[^1], null, false), PageSize));
            seen.AddRange(page.Items.Select(e => e.Id));
        }
        return seen;
    }

    private async Task<List<long>> BackwardsAsync(HistoryFilter filter, int total)
    {
        var lastRows = total - (total - 1) / PageSize * PageSize;
        var page = await Service.QueryAsync(Principals.Viewer(), new HistoryPageRequest(filter, new PageMove<ListingEvent>(PageAt.Last, null, lastRows, false), PageSize));
        Assert.Equal(lastRows, page.Items.Count);
        var pages = new List<IReadOnlyList<ListingEvent>> { page.Items };
        while (page.MoreBeyond)
        {
            page = await Service.QueryAsync(Principals.Viewer(), new HistoryPageRequest(filter, new PageMove<ListingEvent>(PageAt.Previous, page.Items[0], null, false), PageSize));
            Assert.Equal(PageSize, page.Items.Count);
            pages.Insert(0, page.Items);
        }
        return pages.SelectMany(p => p.Select(e => e.Id)).ToList();
    }
}
