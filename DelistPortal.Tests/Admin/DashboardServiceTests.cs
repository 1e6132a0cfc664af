using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Portal;
using DelistPortal.Tests.Components.Admin;
using DelistPortal.Tests.Support;

namespace DelistPortal.Tests.Admin;

public sealed class DashboardServiceTests : IAsyncLifetime
{
    private readonly DelistingHarness _harness = new();
    private ServiceProvider _services = null!;

    public Task InitializeAsync()
    {
        _services = _harness.BuildAdminProvider();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        _harness.Dispose();
    }

    [Fact]
    public async Task AnAddressFreedFromARangeCountsAsADelistBesideAWholeListingDelisted()
    {
        await _harness.ListAsync("198.51.100.0", 24);
        var single = await _harness.ListAsync("203.0.113.7");
        // A sender frees one address of the range; an admin delists the single address.
        await RangeExceptionListTests.FreeAsync(_harness, "198.51.100.1");
        await _harness.Blocklist.DelistAsync(single.Id, single.Version, Actor.Admin("alice"), "Fixed", null);

        var figures = await _services.GetRequiredService<DashboardService>().LoadAsync(Principals.Viewer());

        Assert.Equal((2, 2), (figures.DelistsLast24Hours, figures.DelistsLast7Days));
        Assert.Equal(2, figures.DelistsPerDay[^1]);
        // The range stays listed for its other addresses.
        Assert.Equal(1, figures.ActiveListings);
    }
}
