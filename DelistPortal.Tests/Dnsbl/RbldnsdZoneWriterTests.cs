using DelistPortal.Blocklist;
using DelistPortal.Dnsbl;

namespace DelistPortal.Tests.Dnsbl;

public class RbldnsdZoneWriterTests
{
    private static readonly RbldnsdZoneWriter Writer =
        new(DnsblZone.Create(new DnsblOptions { Zone = "bl.example.net" }, new Uri("https://delist.example.net/"), DateTimeOffset.UnixEpoch));

    private static async IAsyncEnumerable<(IpNetwork, ListingReason)> Listings(params string[] networks)
    {
        foreach (var network in networks)
        {
            await Task.Yield();
            yield return (IpNetwork.Parse(network), ListingReason.Spam);
        }
    }

    [Fact]
    public async Task ExceptionsAreExclusionsInTheirFamilysFileUnlessTheirNetworkIsListedItself()
    {
        var (ipv4, ipv6) = (new StringWriter { NewLine = "\n" }, new StringWriter { NewLine = "\n" });

        await Writer.WriteAsync(
            Listings("198.51.100.0/24", "198.51.100.9", "2001:db8:bad::/48"),
            [IpNetwork.Parse("198.51.100.1"), IpNetwork.Parse("198.51.100.9"), IpNetwork.Parse("2001:db8:bad:1::/64")],
            ipv4, ipv6);

        var v4 = ipv4.ToString().Split('\n');
        var v6 = ipv6.ToString().Split('\n');
        Assert.Contains("!198.51.100.1", v4);
        Assert.Contains("198.51.100.9", v4);
        Assert.DoesNotContain("!198.51.100.9", v4);
        Assert.Contains("!2001:db8:bad:1::/64", v6);
        Assert.DoesNotContain(v4, line => line.Contains("2001:db8"));
        Assert.DoesNotContain(v6, line => line.StartsWith("!198", StringComparison.Ordinal));
    }
}
