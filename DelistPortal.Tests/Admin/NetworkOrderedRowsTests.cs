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

    [Fact]
    public void AKeptFileOpensWithItsRowsInNetworkOrderAndItsCountOfErrors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.rows");
        try
        {
            string[] networks = ["203.0.113.0/24", "2001:db8::/48", "198.51.100.7", "203.0.113.0/24", "10.0.0.0/8"];
            using (var kept = NetworkOrderedRows.Create(path, 0))
            {
                for (var line = 0; line < networks.Length; line++)
                {
                    kept.Add(new ImportRow(line + 2, new ListingDraft(IpNetwork.Parse(networks[line]), ListingReason.Spam, $"row {line + 2}", ListingSource.Import)
                    {
                        ExpiresAt = line == 1 ? new DateTimeOffset(2027, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)) : null,
                        Evidence = new ListingEvidence { HeloName = line == 2 ? "mail.example" : null, SampleCount = line == 2 ? 3 : null },
                    }));
                }
                kept.Save(invalid: 4);
            }

            using var opened = NetworkOrderedRows.TryOpen(path, out var invalid);

            Assert.Equal(4, invalid);
            var rows = opened!.Batches(2).SelectMany(b => b).ToList();
            Assert.Equal(["10.0.0.0/8", "198.51.100.7", "203.0.113.0/24", "203.0.113.0/24", "2001:db8::/48"], rows.Select(r => r.Draft.Network.ToString()));
            Assert.Equal([6, 4, 2, 5, 3], rows.Select(r => r.Line));
            Assert.Equal(new DateTimeOffset(2027, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)), rows[4].Draft.ExpiresAt);
            Assert.Equal(("mail.example", 3), (rows[1].Draft.Evidence.HeloName, rows[1].Draft.Evidence.SampleCount));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AFileWhoseCheckDidNotFinishIsNotOpened()
    {
        var path = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.rows");
        try
        {
            using (var unfinished = NetworkOrderedRows.Create(path, 0))
            {
                unfinished.Add(new ImportRow(2, new ListingDraft(IpNetwork.Parse("192.0.2.1"), ListingReason.Spam, "row", ListingSource.Import)));
            }

            Assert.Null(NetworkOrderedRows.TryOpen(path, out _));
            Assert.Null(NetworkOrderedRows.TryOpen(path + ".missing", out _));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Hex(UInt128 key) => key.ToString("x32", CultureInfo.InvariantCulture);
}
