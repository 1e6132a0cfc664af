using System.Net;
using DelistPortal.Blocklist;
using DelistPortal.Blocklist.Index;
using DelistPortal.Data;
using DelistPortal.Delisting;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Blocklist.Index;

/// <summary>The index follows every committed change to the database, whichever service made it (through the change log).</summary>
public sealed class ListingIndexFollowerTests : IDisposable
{
    private static readonly Actor Alice = Actor.Admin("alice");
    private readonly DelistingHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private bool Listed(string address, out IndexHit hit) => _harness.Index.TryFindMostSpecific(IPAddress.Parse(address), out hit);

    private static ListingDraft Draft(string network) =>
        new(IpNetworkInput.Parse(network).Network!.Value, ListingReason.Spam, "seen by sensor", ListingSource.Api);

    [Fact]
    public async Task ListingEditingAndDelistingReachTheIndex()
    {
        var listed = (await _harness.Blocklist.ListAsync(Draft("198.51.100.0/24"), Alice, null)).Listing!;
        Assert.True(Listed("198.51.100.77", out var hit));
        Assert.Equal((listed.Id, 24, ListingReason.Spam), (hit.ListingId, hit.PrefixLength, hit.Reason));

        var edited = (await _harness.Blocklist.EditAsync(listed.Id, listed.Version, new ListingEdit { Reason = ListingReason.Malware }, Alice, null)).Listing!;
        Assert.True(Listed("198.51.100.77", out hit));
        Assert.Equal(ListingReason.Malware, hit.Reason);

        await _harness.Blocklist.DelistAsync(edited.Id, edited.Version, Alice, "fixed", null);
        Assert.False(Listed("198.51.100.77", out _));
    }

    [Fact]
    public async Task ASelfServiceDelistReachesTheIndex()
    {
        await _harness.ListAsync("203.0.113.7");
        Assert.True(Listed("203.0.113.7", out _));
        await _harness.SubmitAsync("postmaster@sender.example", "203.0.113.7", null);
        var (reference, token) = await _harness.LastLinkAsync();

        await _harness.Service.DelistAsync(reference, token, null);

        Assert.False(Listed("203.0.113.7", out _));
    }

    [Fact]
    public async Task TheIndexStopsMatchingAtTheExpiryInstant()
    {
        await _harness.Blocklist.ListAsync(Draft("203.0.113.7") with { ExpiresAt = DelistingHarness.Start.AddMinutes(5) }, Alice, null);

        _harness.Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.True(Listed("203.0.113.7", out _));
        _harness.Clock.Advance(TimeSpan.FromTicks(1));
        Assert.False(Listed("203.0.113.7", out _));
    }

    [Fact]
    public async Task AChangeInARolledBackTransactionNeverReachesTheIndexAndACommittedOneDoes()
    {
        await using (var db = _harness.Database.CreateDbContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Listings.Add(Listing.Create(IpNetworkInput.Parse("203.0.113.9").Network!.Value, ListingReason.Spam, "x", DelistingHarness.Start));
            await db.SaveChangesAsync();
            Assert.False(Listed("203.0.113.9", out _));
            await transaction.RollbackAsync();
        }
        Assert.False(Listed("203.0.113.9", out _));

        await using (var db = _harness.Database.CreateDbContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Listings.Add(Listing.Create(IpNetworkInput.Parse("203.0.113.9").Network!.Value, ListingReason.Spam, "x", DelistingHarness.Start));
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }
        Assert.True(Listed("203.0.113.9", out _));
    }

    [Fact]
    public async Task ListingsInsertedWithTheBatchStatementReachTheIndexWhenTheirTransactionCommitsAndNeverAfterARollback()
    {
        static Listing New(string address) => Listing.Create(IpNetworkInput.Parse(address).Network!.Value, ListingReason.Spam, "x", DelistingHarness.Start);

        await using (var db = _harness.Database.CreateDbContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await ListingBulkInsert.InsertListingsAsync(db, [New("203.0.113.9"), New("203.0.113.10")], CancellationToken.None);
            await transaction.RollbackAsync();
        }
        await _harness.Follower.CatchUpAsync();
        Assert.False(Listed("203.0.113.9", out _));

        await using (var db = _harness.Database.CreateDbContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var listings = new[] { New("203.0.113.9"), New("203.0.113.10") };
            await ListingBulkInsert.InsertListingsAsync(db, listings, CancellationToken.None);
            Assert.False(Listed("203.0.113.9", out _));
            await transaction.CommitAsync();

            Assert.True(Listed("203.0.113.9", out var hit));
            Assert.Equal(listings[0].Id, hit.ListingId);
            Assert.True(Listed("203.0.113.10", out hit));
            Assert.Equal(listings[1].Id, hit.ListingId);
        }
    }

    [Fact]
    public async Task TheBatchStatementOutsideATransactionIsRefused()
    {
        await using var db = _harness.Database.CreateDbContext();

        await Assert.ThrowsAsync<InvalidOperationException>(() => ListingBulkInsert.InsertListingsAsync(
            db, [Listing.Create(IpNetworkInput.Parse("203.0.113.9").Network!.Value, ListingReason.Spam, "x", DelistingHarness.Start)], CancellationToken.None));
    }

    [Fact]
    public async Task LoadingRebuildsTheIndexFromActiveListingsOnly()
    {
        await _harness.ListAsync("203.0.113.7");
        var ended = await _harness.ListAsync("203.0.113.8");
        await _harness.Blocklist.DelistAsync(ended.Id, ended.Version, Alice, "fixed", null);
        var fresh = new BlocklistIndex(_harness.Clock);

        await new ListingIndexFollower(_harness.Database, fresh, _harness.Clock).LoadAsync(CancellationToken.None);

        Assert.Equal(1, fresh.Count);
        Assert.True(fresh.TryFindMostSpecific(IPAddress.Parse("203.0.113.7"), out _));
        Assert.False(fresh.TryFindMostSpecific(IPAddress.Parse("203.0.113.8"), out _));
    }
}
