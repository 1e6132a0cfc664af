using System.Net;
using DelistPortal.Blocklist;
using DelistPortal.Blocklist.Index;
using Microsoft.Extensions.Time.Testing;

namespace DelistPortal.Tests.Blocklist.Index;

/// <summary>Range exceptions in the index: the most specific entry that contains an address decides (docs/decisions/008).</summary>
public class RangeExceptionIndexTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);

    private static IndexEntry Listing(int id, string address, int prefix, DateTimeOffset? expiresAt = null) =>
        new(id, new IpNetwork(IPAddress.Parse(address), prefix), ListingReason.Malware, expiresAt);

    private static IndexEntry Exception(int id, string address, int prefix, DateTimeOffset? expiresAt = null) =>
        IndexEntry.Exception(id, new IpNetwork(IPAddress.Parse(address), prefix), expiresAt);

    private BlocklistIndex NewIndex() => new(_time, compactionThreshold: 2048, compactInBackground: false);

    private static bool Listed(BlocklistIndex index, string address, out IndexHit hit) =>
        index.TryFindMostSpecific(IPAddress.Parse(address), out hit);

    /// <summary>Loaded together, or the exception added after the range (overlay over base), or the range after the exception.</summary>
    public static TheoryData<string> Orders => ["loaded", "exception added", "range added"];

    private BlocklistIndex Build(string order, IndexEntry range, IndexEntry exception)
    {
        var index = NewIndex();
        switch (order)
        {
            case "loaded":
                index.Load([range, exception]);
                break;
            case "exception added":
                index.Load([range]);
                index.Upsert(exception);
                break;
            default:
                index.Load([exception]);
                index.Upsert(range);
                break;
        }
        return index;
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public void AnIPv4ExceptionFreesItsAddressOnlyAndTheRangeListsItsNeighbours(string order)
    {
        var index = Build(order, Listing(1, "198.51.100.0", 24), Exception(1, "198.51.100.1", 32));

        Assert.False(Listed(index, "198.51.100.1", out var excepted));
        Assert.Equal(default, excepted);
        Assert.Empty(index.FindAll(IPAddress.Parse("198.51.100.1")));
        Assert.False(Listed(index, "::ffff:198.51.100.1", out _));
        Assert.True(Listed(index, "198.51.100.2", out var neighbour));
        Assert.Equal(new IndexHit(1, 24, ListingReason.Malware), neighbour);
        Assert.True(Listed(index, "198.51.100.0", out _));
        Assert.True(Listed(index, "198.51.100.255", out _));
        Assert.False(Listed(index, "198.51.101.1", out _));
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public void AnIPv6ExceptionFreesItsSlash64OnlyAndTheRangeListsTheRest(string order)
    {
        var index = Build(order, Listing(7, "2001:db8:bad::", 48), Exception(3, "2001:db8:bad:1::", 64));

        Assert.False(Listed(index, "2001:db8:bad:1::25", out _));
        Assert.False(Listed(index, "2001:db8:bad:1:ffff:ffff:ffff:ffff", out _));
        Assert.True(Listed(index, "2001:db8:bad:2::25", out var neighbour));
        Assert.Equal(new IndexHit(7, 48, ListingReason.Malware), neighbour);
        Assert.True(Listed(index, "2001:db8:bad::1", out _));
        Assert.False(Listed(index, "2001:db8:bae::1", out _));
    }

    [Fact]
    public void AnExceptionFreesItsAddressFromEveryWiderListing()
    {
        var index = NewIndex();
        index.Load([Listing(1, "198.51.0.0", 16), Listing(2, "198.51.100.0", 24), Exception(1, "198.51.100.1", 32)]);

        Assert.False(Listed(index, "198.51.100.1", out _));
        Assert.Equal([2, 1], index.FindAll(IPAddress.Parse("198.51.100.2")).Select(h => h.ListingId));
    }

    [Theory]
    [InlineData("loaded")]
    [InlineData("listing added")]
    [InlineData("exception added")]
    public void AListingOfTheSameNetworkOrANarrowerOneBeatsTheException(string order)
    {
        IndexEntry[] rest = [Listing(1, "198.51.100.0", 24), Listing(2, "2001:db8:bad::", 48), Exception(2, "2001:db8:bad:1::", 64)];
        var same = Listing(3, "198.51.100.1", 32);
        var narrower = Listing(4, "2001:db8:bad:1::25", 128);
        var exception = Exception(1, "198.51.100.1", 32);
        var index = NewIndex();
        switch (order)
        {
            case "loaded":
                index.Load([.. rest, same, narrower, exception]);
                break;
            case "listing added":
                index.Load([.. rest, exception]);
                index.Apply([same, narrower], []);
                break;
            default:
                index.Load([.. rest, same, narrower]);
                index.Upsert(exception);
                break;
        }

        Assert.True(Listed(index, "198.51.100.1", out var v4));
        Assert.Equal(3, v4.ListingId);
        Assert.Equal([3], index.FindAll(IPAddress.Parse("198.51.100.1")).Select(h => h.ListingId));
        Assert.True(Listed(index, "2001:db8:bad:1::25", out var v6));
        Assert.Equal(4, v6.ListingId);
        Assert.False(Listed(index, "2001:db8:bad:1::26", out _));
    }

    [Fact]
    public void AnExceptionStopsFreeingTheAddressWhenItsRangeExpires()
    {
        var rangeEnds = Start.AddMinutes(5);
        var index = NewIndex();
        index.Load([Listing(1, "198.51.0.0", 16), Listing(2, "198.51.100.0", 24, rangeEnds), Exception(1, "198.51.100.1", 32, rangeEnds)]);
        Assert.False(Listed(index, "198.51.100.1", out _));

        _time.SetUtcNow(rangeEnds);

        Assert.True(Listed(index, "198.51.100.1", out var wide));
        Assert.Equal(1, wide.ListingId);
    }

    [Fact]
    public void ExceptionsAndListingsWithTheSameNumberAreDifferentEntries()
    {
        var index = NewIndex();
        index.Load([Listing(5, "198.51.100.0", 24), Exception(5, "198.51.100.1", 32)]);
        Assert.Equal(2, index.Count);

        index.Remove(IndexEntry.IdOfException(5));

        Assert.True(Listed(index, "198.51.100.1", out var hit));
        Assert.Equal(5, hit.ListingId);
        Assert.Equal(1, index.Count);
    }

    [Fact]
    public void AnExceptionSurvivesACompaction()
    {
        var index = new BlocklistIndex(_time, compactionThreshold: 2, compactInBackground: false);
        index.Load([Listing(1, "198.51.100.0", 24)]);

        index.Upsert(Exception(1, "198.51.100.1", 32));
        index.Upsert(Listing(2, "203.0.113.7", 32));
        index.Upsert(Listing(3, "203.0.113.8", 32));

        Assert.InRange(index.CompactionCount, 1, int.MaxValue);
        Assert.False(Listed(index, "198.51.100.1", out _));
        Assert.True(Listed(index, "198.51.100.2", out _));
    }
}
