using System.Globalization;
using System.Text;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Dnsbl;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Admin;

public sealed class ImportExportTests : IDisposable
{
    private readonly DelistingHarness _harness = new();
    private readonly ServiceProvider _services;

    public ImportExportTests() => _services = _harness.BuildAdminProvider();

    private ListingImporter Importer => _services.GetRequiredService<ListingImporter>();

    private static MemoryStream Csv(string text) => new(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task ThePreviewNamesTheLineOfEveryBadRowAndChangesNothing()
    {
        var csv = """
            network,reason,detail,expires,self_service
            203.0.113.7,Spam,"Bulk mail, to traps",,
            203.0.113.0/23,Spam,host bits,,
            198.51.100.0/24,Chocolate,no such reason,,
            192.0.2.14,Phishing,"A detail
            over two lines",2020-01-01,
            192.0.2.15,Phishing,,,
            192.0.2.16,Malware,fine,never,maybe
            10.0.0.1,Spam,private,,
            2001:db8::25,OpenRelayOrProxy,relay,2027-06-30,false
            """;

        var preview = await Importer.PreviewAsync(Principals.Viewer(), Csv(csv));

        Assert.Equal(["203.0.113.7", "2001:db8::25"], preview.FirstRows.Select(r => r.Draft.Network.ToString()));
        Assert.Equal([2, 10], preview.FirstRows.Select(r => r.Line));
        Assert.Equal((2, 6), (preview.RowCount, preview.ErrorCount));
        Assert.Equal(
            [(3, ImportErrorKind.BadNetwork), (4, ImportErrorKind.UnknownReason), (5, ImportErrorKind.ExpiryInThePast),
             (7, ImportErrorKind.DetailMissing), (8, ImportErrorKind.BadSelfService), (9, ImportErrorKind.BadNetwork)],
            preview.Errors.Select(e => (e.Line, e.Kind)));
        Assert.Equal("Bulk mail, to traps", preview.FirstRows[0].Draft.Detail);
        Assert.False(preview.FirstRows[1].Draft.SelfServiceAllowed);
        await using var db = _harness.Database.CreateDbContext();
        Assert.Equal(0, await db.Listings.CountAsync());
    }

    [Fact]
    public async Task AFileWithoutTheRequiredColumnsIsRefusedAtLineOne()
    {
        var preview = await Importer.PreviewAsync(Principals.Viewer(), Csv("ip,why\n203.0.113.7,spam\n"));

        var error = Assert.Single(preview.Errors);
        Assert.Equal((1, ImportErrorKind.MissingColumns, "network, reason, detail"), (error.Line, error.Kind, error.Value));
        Assert.False(preview.CanImport);
    }

    [Fact]
    public async Task TheCheckKeepsTheFilesOrderAcrossChunksAndEndsAtAnUnclosedQuote()
    {
        var lines = new StringBuilder("network,reason,detail\n");
        for (var i = 0; i < 4_500; i++)
        {
            // Every 1,000th row has an unknown reason.
            lines.Append($"2001:db8:{i:x}::/48,{(i % 1000 == 999 ? "Chocolate" : "Spam")},row {i}\n");
        }
        lines.Append("2001:db8:ffff::/48,Spam,\"never closed\n");

        var records = new List<ImportRecord>();
        await foreach (var record in ListingImporter.ReadAsync(Csv(lines.ToString()), DelistingHarness.Start, CancellationToken.None))
        {
            records.Add(record);
        }

        Assert.Equal(Enumerable.Range(2, 4_501), records.Select(r => r.Row?.Line ?? r.Error!.Line));
        Assert.Equal([1_001, 2_001, 3_001, 4_001], records.Where(r => r.Error?.Kind == ImportErrorKind.UnknownReason).Select(r => r.Error!.Line));
        Assert.Equal(ImportErrorKind.Malformed, records[^1].Error!.Kind);
        Assert.Equal("row 4499", records[^2].Row!.Draft.Detail);
    }

    [Fact]
    public async Task APreviewOfAFileWithAnEndlessLineKeepsTheRowsBeforeItAndSaysWhereItStopped()
    {
        var csv = "network,reason,detail\n203.0.113.7,Spam,one\n203.0.113.8,Spam,two\n203.0.113.9,Spam," + new string('x', 3 << 20) + "\n203.0.113.10,Spam,after\n";

        var preview = await Importer.PreviewAsync(Principals.Viewer(), Csv(csv));

        Assert.Equal(2, preview.RowCount);
        var error = Assert.Single(preview.Errors);
        Assert.Equal((4, ImportErrorKind.RecordTooLong, "1048576"), (error.Line, error.Kind, error.Value));
    }

    [Fact]
    public async Task ImportListsTheRowsInBatchesSkipsActiveOnesAndReportsProgress()
    {
        await _harness.ListAsync("203.0.113.7");
        var lines = new StringBuilder("network,reason,detail,expires\n203.0.113.7,Spam,already there,\n");
        for (var i = 0; i < 12_000; i++)
        {
            lines.Append($"2001:db8:{i:x}::/48,Spam,imported {i},never\n");
        }
        var reports = new List<ImportProgress>();

        var result = await Importer.ImportAsync(Principals.Admin("alice"), Csv(lines.ToString()), new SynchronousProgress(reports.Add), null, batchSize: 10_000);

        Assert.Equal((12_000, 1, 0), (result.Listed, result.AlreadyListed, result.RefusedCount));
        // The first report comes while the file is read (10,000 rows checked, none written yet), the second as the
        // first batch is prepared.
        Assert.Equal([0, 0, 10_000, 12_001], reports.Select(r => r.Done));
        await using var db = _harness.Database.CreateDbContext();
        Assert.Equal(12_001, await db.Listings.CountAsync());
        Assert.Equal(12_000, await db.ListingEvents.CountAsync(e => e.ActorName == "alice" && e.Kind == ListingEventKind.Listed));
        Assert.Equal(12_000, await db.Listings.CountAsync(l => l.Source == ListingSource.Import && l.ExpiresAt == null));
    }

    [Fact]
    public async Task ImportedRowsAreFoundByTheGridsTextSearchAndByTheLookupIndex()
    {
        var lines = new StringBuilder("network,reason,detail\n");
        for (var i = 0; i < 1500; i++)
        {
            lines.Append($"203.0.{i / 256}.{i % 256},Spam,\"Trap hit, case {i:D4}\"\n");
        }
        var preview = await Importer.PreviewAsync(Principals.Admin(), Csv(lines.ToString()));

        var result = await Importer.ImportAsync(Principals.Admin(), Csv(lines.ToString()), null, null);

        Assert.Equal(1500, result.Listed);
        Assert.Equal(["203.0.5.219"], await SearchAsync("case 1499"));
        Assert.Equal(["203.0.0.7"], await SearchAsync("CASE 0007"));
        Assert.Equal(new GridTotal(100, Exact: true), await _services.GetRequiredService<ListingAdminService>().CountAsync(Principals.Viewer(), new ListingFilter { Search = "hit, case 00" }));
        Assert.Equal(1500, preview.RowCount);
        for (var i = 0; i < 1500; i++)
        {
            Assert.True(_harness.Index.TryFindMostSpecific(System.Net.IPAddress.Parse($"203.0.{i / 256}.{i % 256}"), out _));
        }
        await AssertSearchIndexMatchesListingsAsync();
    }

    [Fact]
    public async Task ListingsWrittenOnOtherConnectionsDuringAnImportAreIndexedForSearchToo()
    {
        var lines = new StringBuilder("network,reason,detail\n");
        for (var i = 0; i < 5000; i++)
        {
            lines.Append($"2001:db8:{i:x}::/48,Spam,imported row {i}\n");
        }
        var blocklist = _services.GetRequiredService<BlocklistService>();

        var import = Task.Run(() => Importer.ImportAsync(Principals.Admin(), Csv(lines.ToString()), null, null));
        // Two other writers list and edit listings until the import is done (SQLite runs their transactions between its batches).
        var others = Enumerable.Range(0, 2).Select(writer => Task.Run(async () =>
        {
            var written = new List<string>();
            for (var i = 0; i < 250 && (i < 3 || !import.IsCompleted); i++)
            {
                var network = IpNetwork.Parse($"198.51.{100 + writer}.{i}");
                var listed = await blocklist.ListAsync(new ListingDraft(network, ListingReason.Phishing, $"written alongside {writer}-{i:D3}", ListingSource.Api), Actor.ApiKey("sensor"), null);
                await blocklist.EditAsync(listed.Listing!.Id, listed.Listing.Version, new ListingEdit { Detail = $"edited alongside {writer}-{i:D3}" }, Actor.ApiKey("sensor"), null);
                written.Add(network.ToString());
            }
            return written;
        })).ToList();
        var written = (await Task.WhenAll(others)).SelectMany(w => w).ToList();

        Assert.Equal(5000, (await import).Listed);
        foreach (var network in written)
        {
            var (writer, i) = (int.Parse(network.Split('.')[2], CultureInfo.InvariantCulture) - 100, int.Parse(network.Split('.')[3], CultureInfo.InvariantCulture));
            Assert.Equal([network], await SearchAsync($"edited alongside {writer}-{i:D3}"));
            Assert.Empty(await SearchAsync($"written alongside {writer}-{i:D3}"));
        }
        Assert.Equal(["2001:db8:1387::/48"], await SearchAsync("imported row 4999"));
        await AssertSearchIndexMatchesListingsAsync();
    }

    private async Task<IReadOnlyList<string>> SearchAsync(string text) =>
        (await _services.GetRequiredService<ListingAdminService>().QueryAsync(Principals.Viewer(), new ListingPageRequest(new ListingFilter { Search = text }, 50))).Items.Select(l => l.Network).ToList();

    /// <summary>FTS5's own check that the search index holds exactly the rows of the Listings table (it fails otherwise).</summary>
    private async Task AssertSearchIndexMatchesListingsAsync()
    {
        await using var db = _harness.Database.CreateDbContext();
        await db.Database.ExecuteSqlRawAsync("INSERT INTO ListingSearch(ListingSearch, rank) VALUES ('integrity-check', 1)");
        Assert.Equal(await db.Listings.CountAsync(), await db.Database.SqlQueryRaw<int>("SELECT count(*) AS Value FROM ListingSearch_docsize").SingleAsync());
    }

    [Fact]
    public async Task AnExportedViewCanBeImportedAgain()
    {
        await _harness.ListAsync("203.0.113.7");
        await _harness.ListAsync("198.51.100.0", 24, ListingReason.Malware);
        using var export = new MemoryStream();
        await _services.GetRequiredService<ListingExporter>().WriteCsvAsync(Principals.Viewer(), new ListingFilter(), export);
        var text = Encoding.UTF8.GetString(export.ToArray());

        using var other = new DelistingHarness();
        await using var otherServices = other.BuildAdminProvider();
        var importer = otherServices.GetRequiredService<ListingImporter>();
        var preview = await importer.PreviewAsync(Principals.Admin(), Csv(text));
        var result = await importer.ImportAsync(Principals.Admin(), Csv(text), null, null);

        Assert.StartsWith("network,reason,detail,expires,self_service", text);
        Assert.Empty(preview.Errors);
        Assert.Equal(2, result.Listed);
        Assert.True(await other.IsListedAsync("198.51.100.99"));
    }

    [Fact]
    public async Task TheRbldnsdExportHasOneLinePerActiveListingOfItsFamily()
    {
        await _harness.ListAsync("203.0.113.7");
        await _harness.ListAsync("198.51.100.0", 24, ListingReason.Malware);
        await _harness.ListAsync("2001:db8:bad::", 48, ListingReason.Policy);
        var ended = await _harness.ListAsync("192.0.2.14");
        await _harness.Blocklist.DelistAsync(ended.Id, ended.Version, Actor.Admin("alice"), "gone", null);
        var exporter = _services.GetRequiredService<ListingExporter>();

        var ip4 = await ExportAsync(exporter, RbldnsdFormat.Ip4Set);
        var ip6 = await ExportAsync(exporter, RbldnsdFormat.Ip6Trie);

        // The same codes and text as the built-in DNSBL: Spam is the default answer, other reasons carry their own.
        var v4Listings = ip4.Where(l => !l.StartsWith('#') && !l.StartsWith(':') && !l.StartsWith('$') && !l.StartsWith("127.") && !l.StartsWith("!127.")).ToList();
        Assert.Equal(2, v4Listings.Count);
        Assert.StartsWith("198.51.100.0/24 :127.0.0.5:", v4Listings[0]);
        Assert.Equal("203.0.113.7", v4Listings[1]);
        Assert.DoesNotContain(ip4, l => l.StartsWith("192.0.2.14"));
        Assert.Contains(ip4, l => l.StartsWith(":127.0.0.2:") && l.Contains("https://delist.example.net/portal/?ip=$"));
        Assert.Contains(ip6, l => l.StartsWith("2001:db8:bad::/48 :127.0.0.10:"));
    }

    [Theory]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    public void CsvFieldsAreQuotedAndFormulasDefused(string value, string expected) => Assert.Equal(expected, CsvField.Escape(value));

    private static async Task<string[]> ExportAsync(ListingExporter exporter, RbldnsdFormat format)
    {
        using var stream = new MemoryStream();
        await exporter.WriteRbldnsdAsync(Principals.Viewer(), format, stream);
        return Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private sealed class SynchronousProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }

    public void Dispose()
    {
        _services.Dispose();
        _harness.Dispose();
    }
}
