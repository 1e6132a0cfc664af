using System.Globalization;
using DelistPortal.Admin;
using DelistPortal.Blocklist;

namespace DelistPortal.Tests.Admin;

public class NetworkOrderedRowsTests
{
    /// <summary>The import writes in the order of the stored keys only if its numeric keys are the same addresses.</summary>
    [Theory]
    [InlineData("0.0.0.0/0")]
    [InlineData("203.0.113.0/24")]
    [InlineData("203.0.113.7/32")]
    [InlineData("10.0.0.0/8")]
    [InlineData("::/0")]
    [InlineData("2001:db8::/32")]
    [InlineData("2001:db8::/48")]
    [InlineData("2001:db8::1/128")]
    [InlineData("ffff::/16")]
    public void ANetworksKeysAreItsStoredStartAndEndKeys(string network)
    {
        var parsed = IpNetwork.Parse(network);

        var (start, end) = NetworkOrderedRows.Keys(parsed);

        Assert.Equal((parsed.StartKey, parsed.EndKey), (Hex(start), Hex(end)));
    }

    private static string Hex(UInt128 key) => key.ToString("x32", CultureInfo.InvariantCulture);
}
