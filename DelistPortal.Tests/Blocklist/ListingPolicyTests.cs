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

    private static Listing Of(string network) => Listing.Create(IpNetwork.Parse(network), ListingReason.Malware, "x", DateTimeOffset.UnixEpoch);

    [Theory]
    [InlineData("198.51.100.7", "198.51.100.0/24", 3, null)]
    [InlineData("198.51.100.7", "198.51.100.0/24", 4, SelfServiceRefusal.RangeExceptionLimitReached)]
    [InlineData("198.51.100.7", "198.51.100.7", 9, null)]
    public void ARangeIsRefusedAfterTheRangeExceptionLimitAndASingleAddressIsNot(string address, string network, int recentExceptions, SelfServiceRefusal? expected)
    {
        var policy = Policy(o => o.RangeExceptionLimit = 4);

        Assert.Equal(expected, policy.SelfServiceRefusal(Of(network), recentSelfServiceDelists: 0, recentExceptions));
        Assert.Equal(network.Contains('/'), policy.IsRange(Of(network)));
        Assert.True(IpNetwork.Parse(network).Contains(System.Net.IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("198.51.100.7", 32, 64, "198.51.100.7", "198.51.100.7", "198.51.100.6/31,198.51.100.0/24,198.51.0.0/16")]
    [InlineData("198.51.100.7", 24, 64, "198.51.100.0/24", "198.51.100.7,198.51.100.6/31,198.51.100.0/24", "198.51.0.0/16")]
    [InlineData("2001:db8:bad:1::25", 32, 64, "2001:db8:bad:1::/64", "2001:db8:bad:1::25,2001:db8:bad:1::/96,2001:db8:bad:1::/64", "2001:db8:bad::/48")]
    [InlineData("2001:db8:bad:1::25", 32, 128, "2001:db8:bad:1::25", "2001:db8:bad:1::25", "2001:db8:bad:1::/96,2001:db8:bad:1::/64,2001:db8:bad::/48")]
    public void ThePlanRemovesNarrowListingsAndExceptsTheConfiguredPrefixFromRanges(
        string address, int v4Prefix, int v6Prefix, string exceptionNetwork, string removed, string excepted)
    {
        var policy = Policy(o => (o.ExceptionPrefixIPv4, o.ExceptionPrefixIPv6) = (v4Prefix, v6Prefix));
        var all = address.Contains(':')
            ? new[] { "2001:db8:bad:1::25", "2001:db8:bad:1::/96", "2001:db8:bad:1::/64", "2001:db8:bad::/48" }
            : ["198.51.100.7", "198.51.100.6/31", "198.51.100.0/24", "198.51.0.0/16"];

        var plan = policy.Plan(System.Net.IPAddress.Parse(address), all.Select(Of).ToList());

        Assert.Equal(exceptionNetwork, plan.ExceptionNetwork.ToString());
        Assert.Equal(removed, string.Join(",", plan.Removed.Select(l => l.Network)));
        Assert.Equal(excepted, string.Join(",", plan.Excepted.Select(l => l.Network)));
    }
}
