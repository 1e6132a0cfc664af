using System.Net;
using DelistPortal.Blocklist;

namespace DelistPortal.Tests.Blocklist;

public class IpNetworkTests
{
    [Theory]
    [InlineData("198.51.100.0", 24, "198.51.100.0", true)]
    [InlineData("198.51.100.0", 24, "198.51.100.255", true)]
    [InlineData("198.51.100.0", 24, "198.51.101.0", false)]
    [InlineData("198.51.100.0", 24, "198.51.99.255", false)]
    [InlineData("2001:db8:bad::", 48, "2001:db8:bad:ffff:ffff:ffff:ffff:ffff", true)]
    [InlineData("2001:db8:bad::", 48, "2001:db8:bae::", false)]
    [InlineData("203.0.113.7", 32, "203.0.113.7", true)]
    [InlineData("203.0.113.7", 32, "203.0.113.8", false)]
    public void ContainsExactlyTheAddressesOfTheRange(string network, int prefix, string address, bool expected)
    {
        var range = new IpNetwork(IPAddress.Parse(network), prefix);

        Assert.Equal(expected, range.Contains(IPAddress.Parse(address)));
    }

    [Fact]
    public void AnIPv4RangeDoesNotContainIPv6AddressesAndViceVersa()
    {
        var v4 = new IpNetwork(IPAddress.Parse("0.0.0.0"), 0);
        var v6 = new IpNetwork(IPAddress.Parse("::"), 0);

        Assert.False(v4.Contains(IPAddress.Parse("2001:db8::1")));
        Assert.False(v6.Contains(IPAddress.Parse("203.0.113.7")));
    }

    [Fact]
    public void KeysOrderAddressesNumerically()
    {
        var keys = new[] { "9.255.255.255", "10.0.0.0", "203.0.113.7", "255.255.255.255", "2001:db8::", "ffff::" }
            .Select(a => AddressKey.From(IPAddress.Parse(a)))
            .ToList();

        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        Assert.All(keys, k => Assert.Equal(32, k.Length));
    }

    [Theory]
    [InlineData("203.0.113.7/32", "00000000000000000000ffffcb007107", "00000000000000000000ffffcb007107")]
    [InlineData("198.51.100.0/23", "00000000000000000000ffffc6336400", "00000000000000000000ffffc63365ff")]
    [InlineData("0.0.0.0/0", "00000000000000000000ffff00000000", "00000000000000000000ffffffffffff")]
    [InlineData("2001:db8::/32", "20010db8000000000000000000000000", "20010db8ffffffffffffffffffffffff")]
    [InlineData("2001:db8::25/128", "20010db8000000000000000000000025", "20010db8000000000000000000000025")]
    [InlineData("::/0", "00000000000000000000000000000000", "ffffffffffffffffffffffffffffffff")]
    public void KeysSpellTheFirstAndLastAddressIPv4Mapped(string network, string start, string end)
    {
        var slash = network.IndexOf('/');
        var parsed = new IpNetwork(IPAddress.Parse(network[..slash]), int.Parse(network[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal((start, end), (parsed.StartKey, parsed.EndKey));
    }

    [Fact]
    public void ShowsSingleAddressesWithoutPrefix()
    {
        Assert.Equal("203.0.113.7", IpNetwork.Single(IPAddress.Parse("203.0.113.7")).ToString());
        Assert.Equal("198.51.100.0/24", new IpNetwork(IPAddress.Parse("198.51.100.0"), 24).ToString());
    }
}
