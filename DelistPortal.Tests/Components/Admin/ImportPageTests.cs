using DelistPortal.Blocklist;
using System.Text;
using Bunit;
using DelistPortal.Admin;
using DelistPortal.Components.Pages.Admin;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Components.Admin;

public sealed class ImportPageTests : AdminComponentTest
{
    private readonly BrowserUpload _browser;

    public ImportPageTests()
    {
        _browser = new BrowserUpload(Services.GetRequiredService<ImportUploads>(), Caller);
        JSInterop.AddInvocationHandler(_browser);
    }

    private ImportJobs Jobs => Services.GetRequiredService<ImportJobs>();

    [Fact]
    public async Task TheImportGoesOnWhenThePageClosesAndThePageShowsItWhenOpenedAgain()
    {
        var page = Render<DelistPortal.Components.Pages.Admin.Import>();
        await UploadAsync(page, Rows(3_000));
        await page.WaitForAssertionAsync(() => Assert.NotNull(ImportButton(page, "Import 3,000 rows")), TimeSpan.FromSeconds(10));

        await ImportButton(page, "Import 3,000 rows")!.ClickAsync(new MouseEventArgs());
        // The operator closes the tab at once.
        await DisposeComponentsAsync();
        await Jobs.WhenIdleAsync();

        await using (var db = Harness.Database.CreateDbContext())
        {
            Assert.Equal(3_000, await db.Listings.CountAsync());
        }
        var reopened = Render<DelistPortal.Components.Pages.Admin.Import>();
        await reopened.WaitForAssertionAsync(() => Assert.Contains(
            "Import of listings.csv finished: 3,000 listed, 0 already listed (skipped), 0 with errors left out (as the check showed), 0 refused by the listing policy.", reopened.Find("[data-testid=import-job]").TextContent));
        Assert.Empty(Directory.GetFiles(Path.Combine(Harness.Database.Folder, "imports")));
    }

    [Fact]
    public async Task WhileAnotherProcessImportsThePageShowsItsProgressAndTheImportButtonIsOff()
    {
        await using (var db = Harness.Database.CreateDbContext())
        {
            db.ImportJobs.Add(new ImportJob
            {
                State = ImportJobState.Running, FileName = "big.csv", StartedBy = "carol", Owner = "another process",
                StartedAt = Harness.Clock.GetUtcNow(), LeaseExpiresAt = Harness.Clock.GetUtcNow().AddMinutes(1), TotalRows = 1_000_000, ProcessedRows = 250_000,
            });
            await db.SaveChangesAsync();
        }

        var page = Render<DelistPortal.Components.Pages.Admin.Import>();
        await page.WaitForAssertionAsync(() => Assert.Contains("Importing big.csv, started by carol", page.Markup));
        Assert.Contains("250,000 of 1,000,000 rows imported", page.Find("[data-testid=import-progress]").TextContent);
        await UploadAsync(page, Rows(10));

        await page.WaitForAssertionAsync(() => Assert.NotNull(ImportButton(page, "Import 10 rows")), TimeSpan.FromSeconds(10));
        Assert.True(ImportButton(page, "Import 10 rows")!.HasAttribute("disabled"));
    }

    [Fact]
    public async Task ThePreviewCountsEveryRowAndShowsTheFirstErrorsWithTheirLines()
    {
        var csv = new StringBuilder(Rows(1_500));
        csv.Append("10.0.0.1,Spam,private\n");
        var page = Render<DelistPortal.Components.Pages.Admin.Import>();

        await UploadAsync(page, csv.ToString());

        await page.WaitForAssertionAsync(() => Assert.Contains("listings.csv: 1,500 rows can be imported, 1 rows have errors.", page.Markup), TimeSpan.FromSeconds(10));
        Assert.Contains("Line 1,502:", page.Markup);
    }

    private const string SmallFile = """
        network,reason,detail
        198.51.100.0/24,Spam,Snowshoe spam.
        203.0.113.7,Malware,Botnet controller.
        198.51.100.7/24,Spam,Host bits set.
        203.0.113.8,Fraud,Unknown reason.

        """;

    [Fact]
    public async Task APreviewShowsTheRowsToImportAndTheRefusedRowsWithWhy()
    {
        var page = Render<DelistPortal.Components.Pages.Admin.Import>();

        await UploadAsync(page, SmallFile.Replace("\r\n", "\n"));

        await page.WaitForAssertionAsync(() => Assert.Contains("listings.csv: 2 rows can be imported, 2 rows have errors.", page.Markup), TimeSpan.FromSeconds(10));
        var preview = page.FindAll("[aria-label='Preview of the import'] tbody tr").Select(r => r.TextContent).ToList();
        Assert.Equal(2, preview.Count);
        Assert.Contains("198.51.100.0/24", preview[0]);
        Assert.Contains("Snowshoe spam.", preview[0]);
        Assert.Contains("Malware or botnet", preview[1]);
        var errors = page.FindAll("[aria-label='Rows that will not be imported'] .mud-list-item").Select(e => e.TextContent.Trim()).ToList();
        Assert.Equal(2, errors.Count);
        Assert.Equal("Line 4: \"198.51.100.7/24\": This range has host bits set. Did you mean 198.51.100.0/24?", errors[0]);
        Assert.Equal("Line 5: \"Fraud\" is not a known reason", errors[1]);
        Assert.NotNull(ImportButton(page, "Import 2 rows"));
        await using var db = Harness.Database.CreateDbContext();
        Assert.Equal(0, await db.Listings.CountAsync());
    }

    [Fact]
    public async Task ImportingThePreviewedFileListsItsRowsAsAJobAndSaysWhatItDid()
    {
        var page = Render<DelistPortal.Components.Pages.Admin.Import>();
        await UploadAsync(page, SmallFile.Replace("\r\n", "\n"));
        await page.WaitForAssertionAsync(() => Assert.NotNull(ImportButton(page, "Import 2 rows")), TimeSpan.FromSeconds(10));

        await ImportButton(page, "Import 2 rows")!.ClickAsync(new MouseEventArgs());
        await Jobs.WhenIdleAsync();

        // The two rows the check found wrong are left out, and the summary says so rather than "0 refused".
        await page.WaitForAssertionAsync(() => Assert.Contains(
            "Import of listings.csv finished: 2 listed, 0 already listed (skipped), 2 with errors left out (as the check showed), 0 refused by the listing policy.",
            page.Find("[data-testid=import-job]").TextContent));
        Assert.Empty(page.FindAll("[aria-label='Preview of the import']"));
        Assert.True(await Harness.IsListedAsync("198.51.100.99"));
        Assert.True(await Harness.IsListedAsync("203.0.113.7"));
        Assert.False(await Harness.IsListedAsync("203.0.113.8"));
        await using var db = Harness.Database.CreateDbContext();
        var job = await db.ImportJobs.SingleAsync();
        Assert.Equal((ImportJobState.Finished, "alice", 2, 2, 0), (job.State, job.StartedBy, job.Listed, job.Invalid, job.Refused));
    }

    [Fact]
    public async Task AnImportStartedElsewhereAfterThePreviewIsNotStartedTwice()
    {
        var page = Render<DelistPortal.Components.Pages.Admin.Import>();
        await UploadAsync(page, SmallFile.Replace("\r\n", "\n"));
        await page.WaitForAssertionAsync(() => Assert.NotNull(ImportButton(page, "Import 2 rows")), TimeSpan.FromSeconds(10));
        // Another portal process starts an import while this page shows its preview.
        await using (var db = Harness.Database.CreateDbContext())
        {
            db.ImportJobs.Add(new ImportJob
            {
                State = ImportJobState.Running, FileName = "big.csv", StartedBy = "carol", Owner = "another process",
                StartedAt = Harness.Clock.GetUtcNow(), LeaseExpiresAt = Harness.Clock.GetUtcNow().AddMinutes(1), TotalRows = 1_000_000, ProcessedRows = 10,
            });
            await db.SaveChangesAsync();
        }

        await ImportButton(page, "Import 2 rows")!.ClickAsync(new MouseEventArgs());

        await page.WaitForAssertionAsync(() => Assert.Contains("Another import is running (started by carol", page.Find("[role=alert]").TextContent));
        Assert.Contains("Importing big.csv, started by carol", page.Find("[data-testid=import-job]").TextContent);
        Assert.False(await Harness.IsListedAsync("203.0.113.7"));
        await using var check = Harness.Database.CreateDbContext();
        Assert.Equal(1, await check.ImportJobs.CountAsync());
    }

    [Fact]
    public async Task AFileThatDoesNotArriveIsSaidSoAndAnotherCanBeChosen()
    {
        var page = Render<DelistPortal.Components.Pages.Admin.Import>();
        _browser.Arrives = false;

        await UploadAsync(page, SmallFile.Replace("\r\n", "\n"));

        await page.WaitForAssertionAsync(() => Assert.Contains("The file did not arrive.", page.Find("[role=alert]").TextContent));
        Assert.False(page.FindAll("button").Single(b => b.TextContent.Trim() == "Choose a CSV file").HasAttribute("disabled"));
        Assert.Empty(page.FindAll("[aria-label='Preview of the import']"));
        _browser.Arrives = true;
        await UploadAsync(page, SmallFile.Replace("\r\n", "\n"));
        await page.WaitForAssertionAsync(() => Assert.NotNull(ImportButton(page, "Import 2 rows")), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll("[role=alert]"));
    }

    private static string Rows(int count)
    {
        var csv = new StringBuilder("network,reason,detail\n");
        for (var i = 0; i < count; i++)
        {
            csv.Append($"2001:db8:{i >> 16:x}:{i & 0xffff:x}::/64,Spam,row {i}\n");
        }
        return csv.ToString();
    }

    /// <summary>Chooses the file in the page; the browser (<see cref="BrowserUpload"/>) posts it.</summary>
    private Task UploadAsync(IRenderedComponent<DelistPortal.Components.Pages.Admin.Import> page, string csv)
    {
        _browser.File = Encoding.UTF8.GetBytes(csv);
        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(_browser.File, "listings.csv", contentType: "text/csv"));
        return Task.CompletedTask;
    }

    private static AngleSharp.Dom.IElement? ImportButton(IRenderedComponent<DelistPortal.Components.Pages.Admin.Import> page, string text) =>
        page.FindAll("button").FirstOrDefault(b => b.TextContent.Trim() == text);
}
