using System.Globalization;
using DelistPortal.Admin;
using DelistPortal.Blocklist;

namespace DelistPortal.Tests.Admin;

public sealed class NetworkOrderedRowsTests : IDisposable
{
    /// <summary>This test's work file (xunit makes a new instance per test).</summary>
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.rows");

    public void Dispose() => File.Delete(_path);

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
        string[] networks = ["203.0.113.0/24", "2001:db8::/48", "198.51.100.7", "203.0.113.0/24", "10.0.0.0/8"];
        using (var kept = NetworkOrderedRows.Create(_path, 0))
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

        using var opened = NetworkOrderedRows.TryOpen(_path, out var invalid);

        Assert.Equal(4, invalid);
        var rows = opened!.Batches(2).SelectMany(b => b).ToList();
        Assert.Equal(["10.0.0.0/8", "198.51.100.7", "203.0.113.0/24", "203.0.113.0/24", "2001:db8::/48"], rows.Select(r => r.Draft.Network.ToString()));
        Assert.Equal([6, 4, 2, 5, 3], rows.Select(r => r.Line));
        Assert.Equal(new DateTimeOffset(2027, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)), rows[4].Draft.ExpiresAt);
        Assert.Equal(("mail.example", 3), (rows[1].Draft.Evidence.HeloName, rows[1].Draft.Evidence.SampleCount));
    }

    /// <summary>A batch is prepared while the one before it is written, so no network may span two batches.</summary>
    [Fact]
    public void ABatchNeverSplitsANetworksRows()
    {
        string[] networks = ["198.51.100.2", "198.51.100.1", "198.51.100.2", "198.51.100.0/24", "198.51.100.2", "198.51.100.3"];
        using (var kept = NetworkOrderedRows.Create(_path, 0))
        {
            for (var line = 0; line < networks.Length; line++)
            {
                kept.Add(new ImportRow(line + 2, new ListingDraft(IpNetwork.Parse(networks[line]), ListingReason.Spam, "", ListingSource.Import)));
            }
            kept.Save(invalid: 0);
        }

        using var opened = NetworkOrderedRows.TryOpen(_path, out _);

        var batches = opened!.Batches(2).Select(b => string.Join(" ", b.Select(r => r.Draft.Network.ToString()))).ToList();
        Assert.Equal(["198.51.100.0/24 198.51.100.1", "198.51.100.2 198.51.100.2 198.51.100.2", "198.51.100.3"], batches);
    }

    [Fact]
    public void AFileWhoseCheckDidNotFinishIsNotOpened()
    {
        using (var unfinished = NetworkOrderedRows.Create(_path, 0))
        {
            unfinished.Add(new ImportRow(2, new ListingDraft(IpNetwork.Parse("192.0.2.1"), ListingReason.Spam, "row", ListingSource.Import)));
        }

        Assert.Null(NetworkOrderedRows.TryOpen(_path, out _));
        Assert.Null(NetworkOrderedRows.TryOpen(_path + ".missing", out _));
    }

    private static string Hex(UInt128 key) => key.ToString("x32", CultureInfo.InvariantCulture);
}
