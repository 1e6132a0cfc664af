using System.Text;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Admin;

/// <summary>
/// An import's results do not depend on the order of the file's rows (the importer may write them in another order than
/// the file's): the same file shuffled gives the same listings, history, exceptions, counts and refused line numbers as
/// the file order gives — overlapping networks, a network twice, networks listed before, ended before, or excepted from
/// a range, and rows the listing policy refuses, across batches.
/// </summary>
public sealed class ImportOrderTests
{
    private static readonly Actor Importer = Actor.Admin("importer");

    private sealed record Row(string Network, string Reason, string Detail, string Expires = "");

    /// <summary>The file's rows in file order; what each should come to is worked out in the test from this list alone.</summary>
    private static List<Row> Rows()
    {
        var rows = new List<Row>
        {
            new("203.0.113.0/24", "Spam", "the /24"),
            new("203.0.113.7", "Spam", "listed before the import"),
            new("203.0.113.8", "Phishing", "the first of two"),
            new("203.0.113.8", "Malware", "the second of two"),
            new("198.51.100.9", "Spam", "ended before the import"),
            new("192.0.2.5", "Spam", "excepted from its range before the import"),
            new("2001:db8:1::/48", "Spam", "the /48"),
            new("2001:db8:1:2::/64", "Phishing", "a /64 inside it"),
            new("2001:db8:1:2::1", "Malware", "an address inside both"),
            // The first of these two is refused (its expiry passes before it is written), so the second is listed.
            new("2001:db8:2::1", "Spam", "refused", Soon),
            new("2001:db8:2::1", "Phishing", "listed after the refused one"),
            new("not-a-network", "Spam", "left out by the check"),
        };
        for (var i = 0; i < 30; i++)
        {
            rows.Add(new($"2001:db8:3:{i:x}::/64", "Spam", $"listed {i}"));
        }
        // More refusals than a result names (ListingImporter.ShownErrors): the result names the first ones of the file.
        for (var i = 0; i < ListingImporter.ShownErrors + 40; i++)
        {
            rows.Add(new($"2001:db8:4:{i:x}::/64", "Spam", $"refused {i}", Soon));
        }
        return rows;
    }

    /// <summary>Valid when the file is checked, past when the rows are written (the clock moves on in between).</summary>
    private const string Soon = "2026-11-27T10:30:00Z";

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task TheOutcomeOfAFileDoesNotDependOnTheOrderOfItsRows(int shuffle)
    {
        var rows = Rows();
        if (shuffle > 0)
        {
            new Random(shuffle).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows));
        }
        using var harness = new DelistingHarness();
        await harness.ListAsync("203.0.113.7");
        var ended = await harness.ListAsync("198.51.100.9");
        await harness.Blocklist.DelistAsync(ended.Id, ended.Version, Importer, "ended", null);
        var range = await harness.ListAsync("192.0.2.0", 24);
        await using (var db = harness.Database.CreateDbContext())
        {
            var tracked = await db.Listings.SingleAsync(l => l.Id == range.Id);
            RangeExceptions.Add(db, tracked, IpNetwork.Parse("192.0.2.5"), Importer, null, harness.Clock.GetUtcNow(), null, "freed");
            await db.SaveChangesAsync();
        }
        var checkedAt = harness.Clock.GetUtcNow();
        harness.Clock.Advance(TimeSpan.FromHours(2));
        var csv = new StringBuilder("network,reason,detail,expires\n");
        foreach (var row in rows)
        {
            csv.Append($"{row.Network},{row.Reason},{row.Detail},{row.Expires}\n");
        }

        var result = await ListingImporter.ImportFileAsync(harness.Blocklist, new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())), checkedAt, 0, Importer,
            null, null, null, CancellationToken.None, batchSize: 7);

        // Line numbers: the header is line 1.
        var lines = rows.Select((row, i) => (Row: row, Line: i + 2)).ToList();
        var refusedLines = lines.Where(l => l.Row.Expires == Soon).Select(l => l.Line).Order().ToList();
        Assert.Equal(refusedLines.Take(ListingImporter.ShownErrors), result.Refused.Select(e => e.Line));
        Assert.All(result.Refused, e => Assert.Equal(ImportErrorKind.ExpiryInThePast, e.Kind));
        Assert.Equal(lines.Where(l => l.Row.Expires == Soon).OrderBy(l => l.Line).Take(ListingImporter.ShownErrors).Select(l => IpNetwork.Parse(l.Row.Network).ToString()),
            result.Refused.Select(e => e.Value));

        await using var check = harness.Database.CreateDbContext();
        var active = await check.Listings.AsNoTracking().Where(l => l.Status == ListingStatus.Active && l.Source == ListingSource.Import).ToListAsync();
        // The first valid row of each network in the file is the one listed.
        var expected = lines.Where(l => l.Row.Expires != Soon && l.Row.Network != "not-a-network" && l.Row.Network != "203.0.113.7")
            .GroupBy(l => IpNetwork.Parse(l.Row.Network).ToString()).Select(g => g.MinBy(l => l.Line).Row)
            .Select(r => (IpNetwork.Parse(r.Network).ToString(), r.Reason, r.Detail)).Order().ToList();
        Assert.Equal((expected.Count, 2, refusedLines.Count, 1), (result.Listed, result.AlreadyListed, result.RefusedCount, result.Invalid));
        Assert.Equal(expected, active.Select(l => (l.Network, l.Reason.ToString(), l.Detail)).Order().ToList());
        Assert.Equal(1, active.Single(l => l.Network == "198.51.100.9").TimesListedBefore);
        Assert.All(active.Where(l => l.Network != "198.51.100.9"), l => Assert.Equal(0, l.TimesListedBefore));

        var events = await check.ListingEvents.AsNoTracking().Where(e => e.ActorName == Importer.Name).ToListAsync();
        var kinds = events.GroupBy(e => (e.Network, e.Kind)).Select(g => (g.Key.Network, g.Key.Kind, g.Count())).Order().ToList();
        var expectedKinds = active.Select(l => (l.Network, l.Network == "198.51.100.9" ? ListingEventKind.Relisted : ListingEventKind.Listed, 1))
            .Append(("198.51.100.9", ListingEventKind.Delisted, 1))
            .Append(("192.0.2.0/24", ListingEventKind.ExceptionAdded, 1))
            .Append(("192.0.2.0/24", ListingEventKind.ExceptionEnded, 1))
            .Order().ToList();
        Assert.Equal(expectedKinds, kinds);
        var exception = await check.ListingExceptions.AsNoTracking().SingleAsync();
        Assert.Equal(ListingExceptionStatus.Superseded, exception.Status);

        await harness.Follower.CatchUpAsync();
        foreach (var listing in active)
        {
            Assert.True(harness.Index.TryFindMostSpecific(listing.IpNetwork.Address, out _), listing.Network);
        }
    }
}
