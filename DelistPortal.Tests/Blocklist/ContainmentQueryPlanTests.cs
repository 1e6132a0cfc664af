using System.Net;
using DelistPortal.Blocklist;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Blocklist;

/// <summary>
/// "Which listings contain this address" is answered by point lookups of the networks that can contain it, never by
/// walking the listings: SQLite's own plan for every query the delist, review and history paths send says so.
/// </summary>
public sealed class ContainmentQueryPlanTests : IDisposable
{
    private readonly QueryRecorder _recorder = new();
    private readonly DelistingHarness _harness;

    public ContainmentQueryPlanTests() => _harness = new DelistingHarness(_recorder);

    public void Dispose() => _harness.Dispose();

    [Theory]
    [InlineData("198.51.100.7")]
    [InlineData("2001:db8:1:2::7")]
    [InlineData("::ffff:198.51.100.7")]
    public async Task ActiveContainingLooksUpTheCandidateNetworksOnly(string address)
    {
        await SeedAsync();
        _recorder.Clear();

        await using var db = _harness.Database.CreateDbContext();
        var found = await db.Listings.ActiveContainingAsync(IPAddress.Parse(address), _harness.Clock.GetUtcNow());

        Assert.NotEmpty(found);
        await AssertNoTableScansAsync();
        var plan = await QueryPlan.ExplainAsync(_harness.Database.ConnectionString, Assert.Single(_recorder.Queries));
        Assert.Contains(plan, line => line.StartsWith("SEARCH l USING INDEX IX_Listings_", StringComparison.Ordinal) && line.Contains("RangeStart=?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ActiveContainingFindsEveryContainingNetworkMostSpecificFirstAndNothingElse()
    {
        await SeedAsync();

        await using var db = _harness.Database.CreateDbContext();
        var found = (await db.Listings.ActiveContainingAsync(IPAddress.Parse("198.51.100.7"), _harness.Clock.GetUtcNow())).Select(l => l.Network).ToList();

        Assert.Equal(["198.51.100.7", "198.51.100.0/29", "198.51.100.0/24", "198.51.0.0/16"], found);
    }

    [Fact]
    public async Task OverlappingARangeFindsTheRangesAroundItAndInsideIt()
    {
        await SeedAsync();

        await using var db = _harness.Database.CreateDbContext();
        var found = await db.Listings.Overlapping(IpNetwork.Containing(IPAddress.Parse("198.51.100.0"), 28))
            .OrderBy(l => l.RangeStart).ThenBy(l => l.PrefixLength).Select(l => l.Network).ToListAsync();

        Assert.Equal(["198.51.0.0/16", "198.51.100.0/24", "198.51.100.0/29", "198.51.100.7", "198.51.100.9"], found);
        await AssertNoTableScansAsync();
    }

    [Fact]
    public async Task SubmittingOpeningAndDelistingNeverWalkTheListings()
    {
        await SeedAsync();
        _recorder.Clear();

        var submitted = await _harness.SubmitAsync("postmaster@example.com", "198.51.100.7", "192.0.2.1");
        var (reference, token) = await _harness.LastLinkAsync();
        await _harness.Service.OpenAsync(reference, token);
        var done = await _harness.Service.DelistAsync(reference, token, "192.0.2.1");

        Assert.Equal(DelistPortal.Delisting.SubmitOutcome.ConfirmationSent, submitted.Outcome);
        Assert.Equal(DelistPortal.Delisting.ConfirmationStatus.Delisted, done.Status);
        Assert.Contains(_recorder.Queries, q => q.Sql.Contains("\"Listings\"", StringComparison.Ordinal));
        await AssertNoTableScansAsync();
    }

    [Fact]
    public async Task TheHistoryOfAnAddressReadsOnlyTheEventsOfItsNetworks()
    {
        await SeedAsync();
        _recorder.Clear();

        var events = await _harness.Blocklist.HistoryAsync(IpNetwork.Single(IPAddress.Parse("198.51.100.7")));

        Assert.Equal(4, events.Count);
        await AssertNoTableScansAsync();
    }

    private async Task SeedAsync()
    {
        await _harness.ListAsync("198.51.0.0", 16);
        await _harness.ListAsync("198.51.100.0", 24);
        await _harness.ListAsync("198.51.100.0", 29);
        await _harness.ListAsync("198.51.100.7");
        await _harness.ListAsync("198.51.100.9");
        await _harness.ListAsync("198.51.101.0", 24);
        await _harness.ListAsync("2001:db8:1::", 48);
        await _harness.ListAsync("2001:db8:1:2::7");
        await _harness.ListAsync("2001:db8:2::", 48);
    }

    private async Task AssertNoTableScansAsync()
    {
        foreach (var query in _recorder.Queries.Where(q => !q.Sql.Contains("__EFMigrationsHistory", StringComparison.Ordinal)))
        {
            var plan = await QueryPlan.ExplainAsync(_harness.Database.ConnectionString, query);
            Assert.True(QueryPlan.TableScans(query.Sql, plan).Count == 0,
                $"This query walks a table:\n{query.Sql}\nPlan:\n{string.Join("\n", plan)}");
            Assert.True(QueryPlan.IndexWalks(plan).Where(l => !l.Contains("DelistRequests", StringComparison.Ordinal) && !l.Contains("OutboxMessages", StringComparison.Ordinal)).ToList() is { Count: 0 },
                $"This query walks a whole index:\n{query.Sql}\nPlan:\n{string.Join("\n", plan)}");
        }
    }
}
