using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using DelistPortal.Blocklist;
using DelistPortal.Blocklist.Index;
using Microsoft.Extensions.Time.Testing;

namespace DelistPortal.Tests.Blocklist.Index;

public class BlocklistIndexTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);

    [Theory]
    [InlineData("198.51.100.0", 24, "198.51.100.0", true)]
    [InlineData("198.51.100.0", 24, "198.51.100.255", true)]
    [InlineData("198.51.100.0", 24, "198.51.99.255", false)]
    [InlineData("198.51.100.0", 24, "198.51.101.0", false)]
    [InlineData("203.0.113.7", 32, "203.0.113.7", true)]
    [InlineData("203.0.113.7", 32, "203.0.113.6", false)]
    [InlineData("203.0.113.7", 32, "203.0.113.8", false)]
    [InlineData("0.0.0.0", 0, "255.255.255.255", true)]
    [InlineData("2001:db8:bad::", 48, "2001:db8:bad::", true)]
    [InlineData("2001:db8:bad::", 48, "2001:db8:bad:ffff:ffff:ffff:ffff:ffff", true)]
    [InlineData("2001:db8:bad::", 48, "2001:db8:bac:ffff:ffff:ffff:ffff:ffff", false)]
    [InlineData("2001:db8:bad::", 48, "2001:db8:bae::", false)]
    [InlineData("2001:db8::25", 128, "2001:db8::25", true)]
    [InlineData("2001:db8::25", 128, "2001:db8::26", false)]
    [InlineData("::", 0, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true)]
    public void MatchesFromTheFirstToTheLastAddressOfTheNetworkAndNothingOutside(
        string network, int prefix, string address, bool expected)
    {
        var index = NewIndex();
        index.Load([Entry(1, network, prefix)]);

        Assert.Equal(expected, index.TryFindMostSpecific(IPAddress.Parse(address), out var hit));
        Assert.Equal(expected ? new IndexHit(1, prefix, ListingReason.Spam) : default, hit);
    }

    [Fact]
    public void TheLongestPrefixWinsAndFindAllListsEveryContainingNetworkMostSpecificFirst()
    {
        var index = NewIndex();
        index.Load(
        [
            Entry(1, "198.51.0.0", 16, ListingReason.Policy),
            Entry(2, "198.51.100.0", 24, ListingReason.Spam),
            Entry(3, "198.51.100.7", 32, ListingReason.SpamTrap),
            Entry(4, "198.51.100.128", 25, ListingReason.Malware),
        ]);

        Assert.True(index.TryFindMostSpecific(IPAddress.Parse("198.51.100.7"), out var single));
        Assert.True(index.TryFindMostSpecific(IPAddress.Parse("198.51.100.200"), out var upperHalf));
        Assert.True(index.TryFindMostSpecific(IPAddress.Parse("198.51.100.8"), out var lowerHalf));
        Assert.True(index.TryFindMostSpecific(IPAddress.Parse("198.51.7.7"), out var wide));
        Assert.False(index.TryFindMostSpecific(IPAddress.Parse("198.52.0.0"), out _));

        Assert.Equal(new IndexHit(3, 32, ListingReason.SpamTrap), single);
        Assert.Equal(new IndexHit(4, 25, ListingReason.Malware), upperHalf);
        Assert.Equal(new IndexHit(2, 24, ListingReason.Spam), lowerHalf);
        Assert.Equal(new IndexHit(1, 16, ListingReason.Policy), wide);
        Assert.Equal([3, 2, 1], index.FindAll(IPAddress.Parse("198.51.100.7")).Select(h => h.ListingId));
        Assert.Equal([4, 2, 1], index.FindAll(IPAddress.Parse("198.51.100.255")).Select(h => h.ListingId));
        Assert.Empty(index.FindAll(IPAddress.Parse("198.52.0.0")));
    }

    [Fact]
    public void AfterANestedNetworkEndsTheEnclosingOneStillMatches()
    {
        var index = NewIndex();
        index.Load([Entry(1, "198.51.0.0", 16), Entry(2, "198.51.100.0", 24), Entry(3, "198.51.100.7", 32)]);

        Assert.True(index.TryFindMostSpecific(IPAddress.Parse("198.51.101.0"), out var hit));

        Assert.Equal(1, hit.ListingId);
    }

    [Fact]
    public void TheSameNetworkListedTwiceAnswersTheLowestListingIdFirst()
    {
        var index = NewIndex();
        index.Load([Entry(7, "198.51.100.0", 24), Entry(3, "198.51.100.0", 24), Entry(5, "198.51.100.0", 24)]);
        index.Upsert(Entry(4, "198.51.100.0", 24));

        Assert.True(index.TryFindMostSpecific(IPAddress.Parse("198.51.100.1"), out var hit));
        Assert.Equal(3, hit.ListingId);
        Assert.Equal([3, 4, 5, 7], index.FindAll(IPAddress.Parse("198.51.100.1")).Select(h => h.ListingId));
    }

    [Fact]
    public void HostBitsOfTheNetworkAddressAreIgnored()
    {
        var index = NewIndex();
        index.Load([Entry(1, "198.51.100.77", 24)]);

        Assert.True(index.TryFindMostSpecific(IPAddress.Parse("198.51.100.0"), out _));
        Assert.True(index.TryFindMostSpecific(IPAddress.Parse("198.51.100.255"), out _));
    }

    [Fact]
    public void AnIPv4MappedIPv6AddressIsLookedUpAsIPv4()
    {
        var index = NewIndex();
        index.Load([Entry(1, "203.0.113.0", 24)]);
        var mapped = IPAddress.Parse("::ffff:203.0.113.9");

        Assert.True(index.TryFindMostSpecific(mapped, out var hit));
        Assert.True(index.TryFindMostSpecific(ToUInt128(mapped), out var fromNumber));
        Assert.Equal(new IndexHit(1, 24, ListingReason.Spam), hit);
        Assert.Equal(hit, fromNumber);
        Assert.Single(index.FindAll(mapped));
    }

    [Fact]
    public void IPv4AndIPv6AreSeparateFamilies()
    {
        var index = NewIndex();
        index.Load([Entry(1, "0.0.0.0", 0), Entry(2, "::", 0)]);

        Assert.True(index.TryFindMostSpecific(IPAddress.Parse("2001:db8::1"), out var v6));
        Assert.True(index.TryFindMostSpecific(IPAddress.Parse("203.0.113.7"), out var v4));
        Assert.True(index.TryFindMostSpecific(IPAddress.Parse("::ffff:203.0.113.7"), out var mapped));
        Assert.Equal(2, v6.ListingId);
        Assert.Equal(1, v4.ListingId);
        Assert.Equal(1, mapped.ListingId);
        Assert.Equal([2], index.FindAll(IPAddress.Parse("::1")).Select(h => h.ListingId));
    }

    [Fact]
    public void AnIPv6NetworkDoesNotContainIPv4AddressesWithTheSameNumber()
    {
        var index = NewIndex();
        index.Load([Entry(1, "::", 96)]);

        Assert.True(index.TryFindMostSpecific(IPAddress.Parse("::cb00:7107"), out _));
        Assert.False(index.TryFindMostSpecific(IPAddress.Parse("203.0.113.7"), out _));
        Assert.False(index.TryFindMostSpecific(0xCB007107u, out _));
    }

    [Fact]
    public void TheNumericOverloadsAgreeWithTheAddressOverload()
    {
        var index = NewIndex();
        index.Load([Entry(1, "203.0.113.0", 24), Entry(2, "2001:db8:bad::", 48)]);

        Assert.True(index.TryFindMostSpecific(0xCB007107u, out var v4));
        Assert.True(index.TryFindMostSpecific(ToUInt128(IPAddress.Parse("2001:db8:bad::1")), out var v6));
        Assert.False(index.TryFindMostSpecific(0xCB007207u, out _));
        Assert.Equal(1, v4.ListingId);
        Assert.Equal(2, v6.ListingId);
    }

    [Fact]
    public void AListingStopsMatchingAtTheExactInstantItExpires()
    {
        var index = NewIndex();
        var expiresAt = Start.AddMinutes(10).AddTicks(3);
        index.Load([Entry(1, "198.51.100.0", 24), Entry(2, "198.51.100.7", 32, expiresAt: expiresAt)]);
        var address = IPAddress.Parse("198.51.100.7");

        _time.SetUtcNow(expiresAt.AddTicks(-1));
        Assert.True(index.TryFindMostSpecific(address, out var before));
        Assert.Equal([2, 1], index.FindAll(address).Select(h => h.ListingId));

        _time.SetUtcNow(expiresAt);
        Assert.True(index.TryFindMostSpecific(address, out var at));
        Assert.Equal([1], index.FindAll(address).Select(h => h.ListingId));

        Assert.Equal(2, before.ListingId);
        Assert.Equal(1, at.ListingId);
    }

    [Fact]
    public void AListingAlreadyExpiredWhenAddedNeverMatches()
    {
        var index = NewIndex();
        index.Upsert(Entry(1, "198.51.100.7", 32, expiresAt: Start));

        Assert.False(index.TryFindMostSpecific(IPAddress.Parse("198.51.100.7"), out _));
    }

    [Fact]
    public void TheClockIsReadOnlyForAListingThatExpiresAndOnceALookup()
    {
        var clock = new CountingClock(Start);
        var index = new BlocklistIndex(clock);
        index.Load(
        [
            Entry(1, "198.51.0.0", 16),
            Entry(2, "198.51.100.0", 24, expiresAt: Start.AddHours(1)),
            Entry(3, "198.51.100.0", 25, expiresAt: Start.AddHours(1)),
            Entry(4, "198.51.100.7", 32),
        ]);

        Assert.True(index.TryFindMostSpecific(IPAddress.Parse("198.51.100.7"), out var single));
        Assert.True(index.TryFindMostSpecific(IPAddress.Parse("198.51.7.7"), out var wide));
        Assert.False(index.TryFindMostSpecific(IPAddress.Parse("198.52.0.1"), out _));
        Assert.Equal(0, clock.Reads);

        // Starts from the /32 before it, which does not contain it, then the /25 and the /24 above: one read.
        Assert.True(index.TryFindMostSpecific(IPAddress.Parse("198.51.100.9"), out var nested));
        Assert.Equal(1, clock.Reads);
        Assert.Equal([4, 3, 2, 1], index.FindAll(IPAddress.Parse("198.51.100.7")).Select(h => h.ListingId));
        Assert.Equal(2, clock.Reads);

        Assert.Equal((4, 1, 3), (single.ListingId, wide.ListingId, nested.ListingId));
    }

    [Fact]
    public void TheCoarseSystemClockStaysWithinMillisecondsOfThePreciseOneAcrossRecalibrations()
    {
        // Long enough for the coarse clock to take its offset from the precise one again at least once.
        var until = TimeProvider.System.GetUtcNow().AddSeconds(1.5);
        var samples = 0;
        while (TimeProvider.System.GetUtcNow() < until)
        {
            var coarse = new DateTimeOffset(CoarseUtcClock.UtcNowTicks(), TimeSpan.Zero);
            var precise = TimeProvider.System.GetUtcNow();
            // The coarse tick advances every 1-4 ms; the rest of the margin is for the thread being descheduled.
            Assert.InRange((precise - coarse).TotalMilliseconds, -20, 50);
            samples++;
            Thread.Sleep(samples % 7);
        }
        Assert.InRange(samples, 100, int.MaxValue);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void UpsertReplacesTheNetworkOfAListing(bool loaded)
    {
        var index = NewIndex();
        var original = Entry(1, "198.51.100.0", 24, ListingReason.Spam);
        if (loaded)
        {
            index.Load([original]);
        }
        else
        {
            index.Upsert(original);
        }

        index.Upsert(Entry(1, "2001:db8:bad::", 48, ListingReason.Phishing));

        Assert.False(index.TryFindMostSpecific(IPAddress.Parse("198.51.100.1"), out _));
        Assert.True(index.TryFindMostSpecific(IPAddress.Parse("2001:db8:bad::1"), out var hit));
        Assert.Equal(new IndexHit(1, 48, ListingReason.Phishing), hit);
        Assert.Equal(1, index.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RemoveTakesAListingOutAndIgnoresUnknownIds(bool loaded)
    {
        var index = NewIndex();
        IndexEntry[] entries = [Entry(1, "198.51.100.0", 24), Entry(2, "198.51.100.7", 32)];
        if (loaded)
        {
            index.Load(entries);
        }
        else
        {
            Array.ForEach(entries, index.Upsert);
        }

        index.Remove(2);
        index.Remove(2);
        index.Remove(99);

        Assert.True(index.TryFindMostSpecific(IPAddress.Parse("198.51.100.7"), out var hit));
        Assert.Equal(1, hit.ListingId);
        Assert.Equal(1, index.Count);
    }

    [Fact]
    public void LoadReplacesEverythingAndTheLastEntryOfAnIdWins()
    {
        var index = NewIndex();
        index.Upsert(Entry(1, "192.0.2.0", 24));

        index.Load([Entry(2, "198.51.100.0", 24), Entry(2, "203.0.113.0", 24)]);

        Assert.False(index.TryFindMostSpecific(IPAddress.Parse("192.0.2.1"), out _));
        Assert.False(index.TryFindMostSpecific(IPAddress.Parse("198.51.100.1"), out _));
        Assert.True(index.TryFindMostSpecific(IPAddress.Parse("203.0.113.1"), out _));
        Assert.Equal(1, index.Count);
    }

    [Theory]
    [InlineData("198.51.100.0", 33)]
    [InlineData("198.51.100.0", -1)]
    [InlineData("2001:db8::", 129)]
    [InlineData("::ffff:0:0", 95)]
    public void RefusesANetworkWhosePrefixDoesNotFitItsFamily(string address, int prefix)
    {
        var index = NewIndex();

        Assert.Throws<ArgumentOutOfRangeException>(() => index.Upsert(Entry(1, address, prefix)));
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void EstimatedBytesStayWithinSixtyFourBytesAListing()
    {
        var index = NewIndex();
        index.Load(Enumerable.Range(0, 10_000).Select(i => i % 5 == 0
            ? new IndexEntry(i, IpNetwork.Single(ToAddress((UInt128)0x20010db8 << 96 | (UInt128)i)), ListingReason.Spam, null)
            : new IndexEntry(i, IpNetwork.Single(ToAddress(0xC6000000u + (uint)i * 7)), ListingReason.Spam, null)));

        Assert.Equal(10_000, index.Count);
        Assert.InRange(index.EstimatedBytes, 1, 64 * 10_000);
    }

    /// <summary>
    /// The index against a list scanned linearly, under random upserts, removals, clock advances and lookups. Networks
    /// come from a few prefixes and offsets, so nesting, duplicates and replacements are common; a small compaction
    /// threshold folds the overlay into the base many times.
    /// </summary>
    [Theory]
    [InlineData(false, 20260101, false)]
    [InlineData(true, 20260101, false)]
    [InlineData(true, 7, false)]
    [InlineData(false, 20261201, true)]
    [InlineData(true, 13, true)]
    public void AgreesWithALinearScanUnderRandomChanges(bool compactInBackground, int seed, bool withExceptions)
    {
        var random = new Random(seed);
        var counting = new Random(seed + 1);
        var index = new BlocklistIndex(_time, compactionThreshold: 40, compactInBackground);
        var model = new NaiveBlocklist(_time);
        // With exceptions, a quarter of the entries are range exceptions (negative ids) among the same networks.
        int Id() => random.Next(1, 400) * (withExceptions && random.Next(4) == 0 ? -1 : 1);
        IndexEntry Random(int id) => id > 0 ? RandomEntry(random, id) : AsException(RandomEntry(random, -id));
        var initial = Enumerable.Range(0, 150).Select(_ => Random(Id())).ToList();
        index.Load(initial);
        model.Load(initial);

        var lookups = 0;
        var hits = 0;
        for (var operation = 0; operation < 10_000; operation++)
        {
            var roll = random.Next(100);
            if (roll < 35)
            {
                var entry = Random(Id());
                index.Upsert(entry);
                model.Upsert(entry);
            }
            else if (roll < 50)
            {
                var id = Id();
                index.Remove(id);
                model.Remove(id);
            }
            else if (roll < 54)
            {
                // Sometimes straight onto an expiry, to catch an off-by-one at the instant.
                var expiry = model.SomeExpiry(random);
                _time.SetUtcNow(expiry is { } at && at > _time.GetUtcNow() && random.Next(2) == 0
                    ? at
                    : _time.GetUtcNow().AddSeconds(random.Next(1, 120)));
            }
            else
            {
                var address = RandomAddress(random);
                var expected = model.FindAll(address);
                var context = $"operation {operation}, {address}";
                if (roll < 85)
                {
                    var found = Lookup(index, address, random.Next(4), out var hit);
                    Assert.True(expected.Count > 0 == found, context);
                    Assert.True(!found || expected[0] == hit, $"{context}: expected {expected.FirstOrDefault()}, got {hit}");
                    lookups++;
                    hits += found ? 1 : 0;
                }
                else
                {
                    var asked = address.AddressFamily == AddressFamily.InterNetwork && random.Next(3) == 0 ? address.MapToIPv6() : address;
                    Assert.Equal(expected, index.FindAll(asked));
                }
            }
            Assert.Equal(model.Count, index.Count);
            if (operation % 7 == 0)
            {
                // The grid's row numbers: before a listing's own start (a jump's), or before any address. A generator of
                // its own, so the changes and lookups above stay those of the seed.
                var key = counting.Next(3) == 0 && model.Count > 0 ? model.SomeStartKey(counting) : AddressKey.From(RandomAddress(counting));
                ListingReason? reason = counting.Next(3) == 0 ? null : (ListingReason)counting.Next(7);
                Assert.Equal(model.CountListingsBefore(key, reason), index.CountListingsBefore(key, reason));
            }
            // A background compaction may not get a thread while other tests run, and the changes would then pile up
            // into a handful of compactions; installing one now and then keeps many of them, each with changes
            // made while it ran.
            if (compactInBackground && operation % 200 == 199)
            {
                index.WaitForCompaction();
            }
        }

        index.WaitForCompaction();
        Assert.InRange(index.CompactionCount, 20, int.MaxValue);
        // The generator is useful only if lookups both hit and miss often.
        Assert.InRange(hits, lookups / 5, lookups * 4 / 5);
    }

    /// <summary>
    /// Tables of over 4,096 networks a family take the bucketed search; networks spread over the whole address space,
    /// with ranges of every size, nested and overlapping, checked against the linear scan.
    /// </summary>
    [Fact]
    public void ALargeTableAgreesWithALinearScan()
    {
        var random = new Random(20261127);
        var entries = new List<IndexEntry>();
        for (var id = 1; id <= 10_000; id++)
        {
            var expiresAt = random.Next(5) == 0 ? Start.AddMinutes(random.Next(-5, 5)) : (DateTimeOffset?)null;
            entries.Add(id % 2 == 0
                ? new IndexEntry(id, NetworkAround((uint)random.Next() * 2u, random.Next(8, 33)), ListingReason.Spam, expiresAt)
                : new IndexEntry(id, NetworkAround(((UInt128)(ulong)random.NextInt64() << 64) | (ulong)random.NextInt64(), random.Next(16, 129)), ListingReason.Spam, expiresAt));
        }
        var index = NewIndex();
        var model = new NaiveBlocklist(_time);
        index.Load(entries);
        model.Load(entries);

        var hits = 0;
        for (var lookup = 0; lookup < 4_000; lookup++)
        {
            // Half the addresses are inside a listed network, or just past one of its ends.
            var address = random.Next(2) == 0
                ? RandomAddress(random)
                : Near(entries[random.Next(entries.Count)].Network, random);
            var expected = model.FindAll(address);
            Assert.Equal(expected.Count > 0, index.TryFindMostSpecific(address, out var hit));
            Assert.Equal(expected.FirstOrDefault(), hit);
            hits += expected.Count > 0 ? 1 : 0;
        }
        Assert.InRange(hits, 1_000, 3_000);
    }

    [Fact]
    public void ATableBigEnoughForHugePagesKeepsEveryEntry()
    {
        // 200,000 nodes of 24 bytes: over the 4 MiB from which the arrays are pinned and offered to huge pages.
        const int count = 200_000;
        var index = NewIndex();
        index.Load(Enumerable.Range(1, count).Select(id => new IndexEntry(id, IpNetwork.Single(ToAddress(0x0A000000u + (uint)id * 3)), ListingReason.Spam, null)));

        for (var id = 1; id <= count; id++)
        {
            var address = 0x0A000000u + (uint)id * 3;
            Assert.True(index.TryFindMostSpecific(address, out var hit));
            Assert.Equal(id, hit.ListingId);
            Assert.False(index.TryFindMostSpecific(address + 1, out _));
        }
    }

    [Fact]
    public async Task ReadersDuringWritesNeverThrowAndAlwaysSeeOneConsistentSnapshot()
    {
        var index = new BlocklistIndex(TimeProvider.System, compactionThreshold: 64, compactInBackground: true);
        var random = new Random(42);
        var background = Enumerable.Range(1_000, 20_000).Select(id => RandomEntry(random, id) with { ExpiresAt = null });
        index.Load(background.Append(Entry(10, "198.51.100.0", 24)).Append(Entry(5, "192.0.2.0", 24)));

        var sequence = IPAddress.Parse("198.51.100.7");
        var moving = IPAddress.Parse("192.0.2.200");
        var writing = true;
        var violations = new System.Collections.Concurrent.ConcurrentQueue<string>();
        // Proof that the readers ran while the writer wrote: how many reads, and which states of the sequence they saw.
        var reads = 0L;
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();

        void Read()
        {
            try
            {
                while (Volatile.Read(ref writing))
                {
                    // Listing k replaces k-1 in two changes: one or two consecutive ids, never none or a gap.
                    var all = index.FindAll(sequence).Where(h => h.ListingId < 1_000).Select(h => h.ListingId).ToList();
                    if (all.Count is < 1 or > 2 || (all.Count == 2 && all[1] != all[0] + 1))
                    {
                        violations.Enqueue($"sequence: {string.Join(",", all)}");
                    }
                    foreach (var id in all)
                    {
                        seen.TryAdd(id, true);
                    }
                    // Listing 5 moves between two networks that both contain the address: exactly once, always.
                    var five = index.FindAll(moving).Count(h => h.ListingId == 5);
                    if (five != 1 || !index.TryFindMostSpecific(moving, out var hit) || hit.ListingId != 5)
                    {
                        violations.Enqueue($"moving: seen {five} times");
                    }
                    Interlocked.Increment(ref reads);
                }
            }
            catch (Exception exception)
            {
                violations.Enqueue(exception.ToString());
            }
        }

        var readers = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(Read, TaskCreationOptions.LongRunning)).ToArray();
        for (var k = 11; k < 900; k++)
        {
            if (k % 100 == 11)
            {
                // On two busy cores the readers may not have been scheduled yet: let them read before writing on.
                WaitForReads(ref reads, Interlocked.Read(ref reads) + 3);
            }
            index.Upsert(Entry(k, "198.51.100.0", 24));
            index.Remove(k - 1);
            index.Upsert(k % 2 == 0 ? Entry(5, "192.0.2.128", 25) : Entry(5, "192.0.2.0", 24));
            // Churn elsewhere, so compactions keep running under the readers.
            index.Upsert(RandomEntry(random, random.Next(1_000, 21_000)) with { ExpiresAt = null });
        }
        Volatile.Write(ref writing, false);
        await Task.WhenAll(readers);
        index.WaitForCompaction();

        Assert.Empty(violations);
        Assert.InRange(index.CompactionCount, 1, int.MaxValue);
        // Without these, a test whose readers never ran (or ran only before or after the writes) would pass.
        Assert.InRange(Interlocked.Read(ref reads), 27, long.MaxValue);
        Assert.InRange(seen.Count, 9, int.MaxValue);
    }

    private static void WaitForReads(ref long reads, long atLeast)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (Interlocked.Read(ref reads) < atLeast && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(1);
        }
    }

    [Fact]
    public void ABatchOfChangesIsAppliedTogetherAndABadEntryChangesNothing()
    {
        var index = NewIndex();
        index.Load([Entry(1, "198.51.100.0", 24), Entry(2, "203.0.113.7", 32)]);

        index.Apply([Entry(3, "203.0.113.8", 32), Entry(4, "2001:db8:bad::", 48), Entry(1, "198.51.100.0", 24, ListingReason.Malware)], [2, 99]);

        Assert.Equal(3, index.Count);
        Assert.False(index.TryFindMostSpecific(IPAddress.Parse("203.0.113.7"), out _));
        Assert.True(index.TryFindMostSpecific(IPAddress.Parse("203.0.113.8"), out var hit) && hit.ListingId == 3);
        Assert.True(index.TryFindMostSpecific(IPAddress.Parse("2001:db8:bad::1"), out hit) && hit.ListingId == 4);
        Assert.True(index.TryFindMostSpecific(IPAddress.Parse("198.51.100.9"), out hit) && hit.Reason == ListingReason.Malware);

        Assert.Throws<ArgumentOutOfRangeException>(() => index.Apply([Entry(5, "192.0.2.1", 32), Entry(6, "192.0.2.0", 33)], [3]));
        Assert.Equal(3, index.Count);
        Assert.False(index.TryFindMostSpecific(IPAddress.Parse("192.0.2.1"), out _));
    }

    [Fact]
    public void BatchesLargerThanTheOverlayAreCompactedInTheBackground()
    {
        var index = new BlocklistIndex(_time, compactionThreshold: 100, compactInBackground: true);
        index.Load([]);

        for (var batch = 0; batch < 5; batch++)
        {
            index.Apply(Enumerable.Range(batch * 1000, 1000).Select(i => Entry(i + 1, $"198.18.{i / 256}.{i % 256}", 32)).ToList(), []);
        }
        index.WaitForCompaction();

        Assert.Equal(5000, index.Count);
        Assert.InRange(index.CompactionCount, 1, int.MaxValue);
        Assert.All(Enumerable.Range(0, 5000), i => Assert.True(index.TryFindMostSpecific(IPAddress.Parse($"198.18.{i / 256}.{i % 256}"), out _)));
    }

    private BlocklistIndex NewIndex() => new(_time);

    private static IndexEntry Entry(
        int id, string address, int prefix, ListingReason reason = ListingReason.Spam, DateTimeOffset? expiresAt = null) =>
        new(id, new IpNetwork(IPAddress.Parse(address), prefix), reason, expiresAt);

    private static bool Lookup(BlocklistIndex index, IPAddress address, int overload, out IndexHit hit)
    {
        if (overload == 0)
        {
            return index.TryFindMostSpecific(address, out hit);
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return index.TryFindMostSpecific(ToUInt128(address), out hit);
        }
        return overload switch
        {
            1 => index.TryFindMostSpecific(BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes()), out hit),
            2 => index.TryFindMostSpecific(ToUInt128(address.MapToIPv6()), out hit),
            _ => index.TryFindMostSpecific(address.MapToIPv6(), out hit),
        };
    }

    private static UInt128 ToUInt128(IPAddress address) => BinaryPrimitives.ReadUInt128BigEndian(address.GetAddressBytes());

    private static IPAddress ToAddress(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }

    private static IPAddress ToAddress(UInt128 value)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return new IPAddress(bytes);
    }

    // A few networks and offsets inside them, so that random networks nest and repeat.
    private static readonly uint[] V4Bases = [0xC6336400, 0xC6330000, 0xCB007100, 0x08080000, 0x5DB80000];
    private static readonly uint[] V4Offsets = [0, 1, 7, 0x80, 0xFF, 0x100, 0x8000, 0x10007, 0xFFFF];
    private static readonly UInt128[] V6Bases = [(UInt128)0x20010db8 << 96, (UInt128)0x2a001450_40010000 << 64];
    private static readonly UInt128[] V6Offsets =
        [0, 1, 0x25, (UInt128)1 << 64, (UInt128)0xBAD << 80, (UInt128)1 << 95, (UInt128)0xFF << 40, (UInt128)1 << 100];

    private static IndexEntry AsException(IndexEntry entry) => IndexEntry.Exception(entry.ListingId, entry.Network, entry.ExpiresAt);

    private IndexEntry RandomEntry(Random random, int id)
    {
        var isV4 = random.Next(10) < 6;
        IPAddress address;
        int prefix;
        if (isV4)
        {
            prefix = random.Next(8, 33);
            var value = V4Bases[random.Next(V4Bases.Length)] | V4Offsets[random.Next(V4Offsets.Length)];
            // Mostly the network's first address, sometimes with host bits set as an operator might type it.
            address = ToAddress(random.Next(4) == 0 || prefix == 0 ? value : value & ~(uint.MaxValue >> prefix));
        }
        else
        {
            prefix = random.Next(16, 129);
            var value = V6Bases[random.Next(V6Bases.Length)] | V6Offsets[random.Next(V6Offsets.Length)];
            address = ToAddress(random.Next(4) == 0 || prefix == 128 ? value : value & ~(UInt128.MaxValue >> prefix));
        }
        DateTimeOffset? expiresAt = random.Next(4) == 0
            ? _time.GetUtcNow().AddMinutes(random.Next(0, 20)).AddTicks(random.Next(3))
            : null;
        return new IndexEntry(id, new IpNetwork(address, prefix), (ListingReason)random.Next(7), expiresAt);
    }

    private static IPAddress RandomAddress(Random random)
    {
        switch (random.Next(10))
        {
            case 0:
                return ToAddress((uint)random.Next() * 2u + (uint)random.Next(2));
            case 1:
                return ToAddress(((UInt128)(ulong)random.NextInt64() << 64) | (ulong)random.NextInt64());
            case < 7:
                return ToAddress(V4Bases[random.Next(V4Bases.Length)] | V4Offsets[random.Next(V4Offsets.Length)]
                    | (uint)random.Next(3) | (random.Next(8) == 0 ? uint.MaxValue >> random.Next(8, 33) : 0));
            default:
                return ToAddress(V6Bases[random.Next(V6Bases.Length)] | V6Offsets[random.Next(V6Offsets.Length)]
                    | (uint)random.Next(3) | (random.Next(8) == 0 ? UInt128.MaxValue >> random.Next(16, 129) : 0));
        }
    }

    private static IpNetwork NetworkAround(uint address, int prefix) =>
        new(ToAddress(prefix == 0 ? 0 : address & ~(uint.MaxValue >> prefix)), prefix);

    private static IpNetwork NetworkAround(UInt128 address, int prefix) =>
        new(ToAddress(prefix == 0 ? 0 : address & ~(UInt128.MaxValue >> prefix)), prefix);

    /// <summary>An address inside the network, or the one just before or after it.</summary>
    private static IPAddress Near(IpNetwork network, Random random)
    {
        var bytes = network.Address.GetAddressBytes();
        if (bytes.Length == 4)
        {
            var first = BinaryPrimitives.ReadUInt32BigEndian(bytes);
            var last = first | (network.PrefixLength == 32 ? 0 : uint.MaxValue >> network.PrefixLength);
            return ToAddress(random.Next(4) switch
            {
                0 => first - 1,
                1 => last + 1,
                2 => first,
                _ => first + (uint)random.NextInt64(0, (long)(last - first) + 1),
            });
        }
        var first6 = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        var last6 = first6 | (network.PrefixLength == 128 ? 0 : UInt128.MaxValue >> network.PrefixLength);
        return ToAddress(random.Next(3) switch { 0 => first6 - 1, 1 => last6 + 1, _ => last6 });
    }

    /// <summary>A clock that counts how often it is read.</summary>
    private sealed class CountingClock(DateTimeOffset now) : TimeProvider
    {
        public int Reads { get; private set; }

        public override DateTimeOffset GetUtcNow()
        {
            Reads++;
            return now;
        }
    }

    /// <summary>The specification, written the slow and obvious way.</summary>
    private sealed class NaiveBlocklist(TimeProvider time)
    {
        private readonly List<IndexEntry> _entries = [];

        public int Count => _entries.Count;

        public void Load(IEnumerable<IndexEntry> entries)
        {
            _entries.Clear();
            foreach (var entry in entries)
            {
                Upsert(entry);
            }
        }

        public void Upsert(IndexEntry entry)
        {
            Remove(entry.ListingId);
            _entries.Add(entry);
        }

        public void Remove(int id) => _entries.RemoveAll(e => e.ListingId == id);

        public string SomeStartKey(Random random) => StartKey(_entries[random.Next(_entries.Count)].Network);

        /// <summary>Listings (not exceptions) of a reason, or of any, whose first address sorts before the database key.</summary>
        public int CountListingsBefore(string key, ListingReason? reason) =>
            _entries.Count(e => !e.IsException && (reason is null || e.Reason == reason) && string.CompareOrdinal(StartKey(e.Network), key) < 0);

        /// <summary>The key of a network's first address (an entry may hold host bits, as typed).</summary>
        private static string StartKey(IpNetwork network)
        {
            var bytes = network.Address.GetAddressBytes();
            for (var bit = network.PrefixLength; bit < bytes.Length * 8; bit++)
            {
                bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
            }
            return AddressKey.From(new IPAddress(bytes));
        }

        public DateTimeOffset? SomeExpiry(Random random)
        {
            var expiries = _entries.Where(e => e.ExpiresAt is not null).Select(e => e.ExpiresAt).ToList();
            return expiries.Count == 0 ? null : expiries[random.Next(expiries.Count)];
        }

        public List<IndexHit> FindAll(IPAddress address)
        {
            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }
            var now = time.GetUtcNow();
            var bytes = address.GetAddressBytes();
            return _entries
                .Where(e => e.ExpiresAt is null || e.ExpiresAt > now)
                .Where(e => e.Network.Address.AddressFamily == address.AddressFamily)
                .Where(e => SamePrefix(e.Network.Address.GetAddressBytes(), bytes, e.Network.PrefixLength))
                .OrderByDescending(e => e.Network.PrefixLength)
                // A listing before an exception of the same network, then the lowest listing id.
                .ThenBy(e => e.IsException)
                .ThenBy(e => Math.Abs(e.ListingId))
                .Select(e => new IndexHit(e.ListingId, e.Network.PrefixLength, e.Reason))
                // The most specific exception frees the address from everything wider.
                .TakeWhile(hit => !hit.IsException)
                .ToList();
        }

        private static bool SamePrefix(byte[] network, byte[] address, int prefix)
        {
            for (var bit = 0; bit < prefix; bit++)
            {
                var mask = 0x80 >> (bit % 8);
                if ((network[bit / 8] & mask) != (address[bit / 8] & mask))
                {
                    return false;
                }
            }
            return true;
        }
    }
}
