using System.Net;
using DelistPortal.Blocklist;
using DelistPortal.Blocklist.Index;
using DelistPortal.ChangeLog;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace DelistPortal.Tests.Blocklist;

/// <summary>
/// A process may start its lookup index from the snapshot file and catch up through the change log
/// (docs/decisions/011). A snapshot must never make it answer wrongly: the changes after it are applied, and a
/// damaged, foreign or pruned one is not used. Each snapshot here carries one entry the database does not have
/// (<see cref="Marker"/>), so that a test can tell whether the start used it.
/// </summary>
public sealed class IndexSnapshotTests : IDisposable
{
    private const string Marker = "192.0.2.99";

    private readonly DelistingHarness _harness = new();

    private string SnapshotPath => Path.Combine(_harness.Database.Folder, "portal.db.index-snapshot");

    private IndexSnapshotFile Snapshots => new(_harness.Database, SnapshotPath, NullLogger<IndexSnapshotFile>.Instance);

    /// <summary>The active listings as a start reads them, plus the marker, saved at the log's last entry.</summary>
    private async Task<ChangeLogEntry> WriteSnapshotWithMarkerAsync()
    {
        var last = (await Snapshots.LastEntryAsync(CancellationToken.None))!;
        var load = await new ListingIndexFollower(_harness.Database, new BlocklistIndex(_harness.Clock), _harness.Clock).ReadActiveAsync(CancellationToken.None);
        load.Add(new IndexEntry(999_999, IpNetwork.Single(IPAddress.Parse(Marker)), ListingReason.Spam, null));
        await Snapshots.WriteAsync(last, load, CancellationToken.None);
        return last;
    }

    /// <summary>A new process's start: a follower with the snapshot file, loading into a new index.</summary>
    private async Task<(BlocklistIndex Index, ChangeLogFollower Follower)> StartAsync()
    {
        var index = new BlocklistIndex(_harness.Clock);
        var follower = new ChangeLogFollower(_harness.Database,
            [new ListingIndexFollower(_harness.Database, index, _harness.Clock, Snapshots), new ExceptionIndexFollower(_harness.Database, index)],
            Microsoft.Extensions.Options.Options.Create(new ChangeLogOptions()), NullLogger<ChangeLogFollower>.Instance);
        await follower.LoadAsync();
        return (index, follower);
    }

    private static bool Listed(BlocklistIndex index, string address) => index.TryFindMostSpecific(IPAddress.Parse(address), out _);

    [Fact]
    public async Task AStartFromASnapshotAppliesEveryChangeCommittedAfterIt()
    {
        var delisted = await _harness.ListAsync("203.0.113.7");
        await _harness.ListAsync("198.51.100.0", 24);
        var range = await _harness.ListAsync("2001:db8:bad::", 48);
        var at = await WriteSnapshotWithMarkerAsync();

        await _harness.Blocklist.DelistAsync(delisted.Id, delisted.Version, Actor.Admin("alice"), "gone", null);
        await _harness.ListAsync("203.0.113.8");
        await _harness.Blocklist.EditAsync(range.Id, range.Version, new ListingEdit { Reason = ListingReason.Malware }, Actor.Admin("alice"), null);
        var (index, follower) = await StartAsync();

        Assert.True(Listed(index, Marker), "the start did not use the snapshot");
        Assert.False(Listed(index, "203.0.113.7"));
        Assert.True(Listed(index, "203.0.113.8"));
        Assert.True(Listed(index, "198.51.100.77"));
        Assert.True(index.TryFindMostSpecific(IPAddress.Parse("2001:db8:bad::1"), out var entry));
        Assert.Equal(ListingReason.Malware, entry.Reason);
        Assert.True(follower.Position > at.Position);
        Assert.Equal(follower.Position, (await Snapshots.LastEntryAsync(CancellationToken.None))!.Position);
    }

    public enum Spoiled { FlippedByte, Truncated, ForeignLog, Pruned, FromTheFuture }

    [Theory]
    [InlineData(Spoiled.FlippedByte)]
    [InlineData(Spoiled.Truncated)]
    [InlineData(Spoiled.ForeignLog)]
    [InlineData(Spoiled.Pruned)]
    [InlineData(Spoiled.FromTheFuture)]
    public async Task ADamagedForeignOrPrunedSnapshotIsNotUsedAndTheTableIsReadInstead(Spoiled how)
    {
        var delisted = await _harness.ListAsync("203.0.113.7");
        await _harness.ListAsync("198.51.100.0", 24);
        var at = await WriteSnapshotWithMarkerAsync();
        await _harness.Blocklist.DelistAsync(delisted.Id, delisted.Version, Actor.Admin("alice"), "gone", null);
        await using (var db = _harness.Database.CreateDbContext())
        {
            switch (how)
            {
                case Spoiled.FlippedByte:
                    var bytes = await File.ReadAllBytesAsync(SnapshotPath);
                    bytes[bytes.Length / 2] ^= 0x10;
                    await File.WriteAllBytesAsync(SnapshotPath, bytes);
                    break;
                case Spoiled.Truncated:
                    await using (var file = File.OpenWrite(SnapshotPath))
                    {
                        file.SetLength(file.Length - 40);
                    }
                    break;
                case Spoiled.ForeignLog:
                    // Another database's log: an entry at the same position, written at another time.
                    await db.Database.ExecuteSqlRawAsync("UPDATE ChangeLog SET At = At + 1 WHERE Position = {0}", at.Position);
                    break;
                case Spoiled.Pruned:
                    await db.Database.ExecuteSqlRawAsync("DELETE FROM ChangeLog WHERE Position <= {0}", at.Position);
                    await db.Database.ExecuteSqlRawAsync("UPDATE ChangeLogHorizon SET PrunedThrough = {0}", at.Position);
                    break;
                case Spoiled.FromTheFuture:
                    // A database restored from before the snapshot: its log ends before the snapshot's position.
                    await db.Database.ExecuteSqlRawAsync("DELETE FROM ChangeLog WHERE Position >= {0}", at.Position);
                    break;
            }
        }

        var (index, _) = await StartAsync();

        Assert.False(Listed(index, Marker), "the start used a snapshot it should have refused");
        Assert.False(Listed(index, "203.0.113.7"));
        Assert.True(Listed(index, "198.51.100.77"));
    }

    [Fact]
    public async Task TheWriterWritesWhenTheLogMovedAndAStartFromItMatchesTheTable()
    {
        await _harness.ListAsync("203.0.113.7");
        var writer = new IndexSnapshotWriter(Snapshots, new ListingIndexFollower(_harness.Database, new BlocklistIndex(_harness.Clock), _harness.Clock),
            Microsoft.Extensions.Options.Options.Create(new ChangeLogOptions()), _harness.Clock, NullLogger<IndexSnapshotWriter>.Instance);

        Assert.True(await writer.WriteAsync(CancellationToken.None));
        Assert.False(await writer.WriteAsync(CancellationToken.None));
        await _harness.ListAsync("2001:db8::", 64);
        Assert.True(await writer.WriteAsync(CancellationToken.None));

        var snapshot = await Snapshots.TryReadAsync(CancellationToken.None);
        var (index, _) = await StartAsync();
        Assert.NotNull(snapshot);
        Assert.Equal(2, snapshot.Value.Load.Count);
        Assert.True(Listed(index, "203.0.113.7"));
        Assert.True(Listed(index, "2001:db8::1"));
        Assert.Empty(Directory.GetFiles(_harness.Database.Folder, "*.tmp"));
    }

    [Fact]
    public async Task TheWriterWritesThisProcesssIndexAtThePositionItAppliedAndAStartFromItCatchesUp()
    {
        await _harness.ListAsync("203.0.113.7");
        await _harness.ListAsync("2001:db8::", 64);
        // An entry only this process's index holds: the file must come from the index, not from the table.
        _harness.Index.Upsert(new IndexEntry(999_999, IpNetwork.Single(IPAddress.Parse(Marker)), ListingReason.Spam, null));
        var writer = new IndexSnapshotWriter(Snapshots, new ListingIndexFollower(_harness.Database, new BlocklistIndex(_harness.Clock), _harness.Clock),
            Microsoft.Extensions.Options.Options.Create(new ChangeLogOptions()), _harness.Clock, NullLogger<IndexSnapshotWriter>.Instance,
            index: _harness.Index, follower: _harness.Follower);

        Assert.True(await writer.WriteAsync(CancellationToken.None));
        Assert.False(await writer.WriteAsync(CancellationToken.None));
        var snapshot = await Snapshots.TryReadAsync(CancellationToken.None);
        Assert.NotNull(snapshot);
        Assert.Equal(_harness.Follower.Position, snapshot.Value.Position);
        Assert.Equal(3, snapshot.Value.Load.Count);

        await _harness.ListAsync("198.51.100.0", 24);
        var (index, _) = await StartAsync();
        Assert.True(Listed(index, Marker));
        Assert.True(Listed(index, "203.0.113.7"));
        Assert.True(Listed(index, "2001:db8::1"));
        Assert.True(Listed(index, "198.51.100.77"), "the start did not apply the change made after the snapshot");
        Assert.True(await writer.WriteAsync(CancellationToken.None));
    }

    public void Dispose() => _harness.Dispose();
}
