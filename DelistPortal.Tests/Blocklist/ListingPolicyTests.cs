using DelistPortal.Blocklist;
using Microsoft.Extensions.Options;

namespace DelistPortal.Tests.Blocklist;

public class ListingPolicyTests
{
    private static ListingPolicy Policy(Action<BlocklistOptions>? configure = null)
    {
        var options = new BlocklistOptions { BaseLifetime = TimeSpan.FromDays(1), EscalationFactor = 3, MaxLifetime = TimeSpan.FromDays(20) };
        configure?.Invoke(options);
        return new ListingPolicy(Options.Create(options));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 3)]
    [InlineData(2, 9)]
    [InlineData(3, 20)]
    [InlineData(50, 20)]
    public void LifetimeGrowsByTheFactorForEachRecentListingUpToTheCap(int earlier, int expectedDays)
    {
        Assert.Equal(TimeSpan.FromDays(expectedDays), Policy().LifetimeFor(earlier));
    }

    [Fact]
    public void SelfServiceIsRefusedWhenTheListingForbidsIt()
    {
        var listing = new Listing
        {
            Network = "203.0.113.7", RangeStart = "", RangeEnd = "", PrefixLength = 32, Reason = ListingReason.Spam,
            Detail = "x", ListedAt = DateTimeOffset.UnixEpoch, SelfServiceAllowed = false,
        };

        Assert.Equal(SelfServiceRefusal.NotAllowedForListing, Policy().SelfServiceRefusal(listing, 0));
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(2, null)]
    [InlineData(3, SelfServiceRefusal.LimitReached)]
    [InlineData(7, SelfServiceRefusal.LimitReached)]
    public void SelfServiceIsRefusedAfterTheLimit(int recentDelists, SelfServiceRefusal? expected)
    {
        var listing = new Listing
        {
            Network = "203.0.113.7", RangeStart = "", RangeEnd = "", PrefixLength = 32, Reason = ListingReason.Spam,
            Detail = "x", ListedAt = DateTimeOffset.UnixEpoch,
        };

        Assert.Equal(expected, Policy(o => o.SelfServiceLimit = 3).SelfServiceRefusal(listing, recentDelists));
    }
}
