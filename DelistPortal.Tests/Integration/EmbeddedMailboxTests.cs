using DelistPortal.Blocklist;
using System.Net;
using DelistPortal.Data;
using DelistPortal.Delisting;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace DelistPortal.Tests.Integration;

/// <summary>Without an SMTP host the portal keeps its mail as .eml files and shows it on /mailbox.</summary>
public sealed class EmbeddedMailboxTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = new(smtpPort: null);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task ConfirmationMailIsWrittenToTheMailboxFolderAndShownOnTheMailboxPage()
    {
        using var client = _portal.CreateClient();
        await _portal.Services.SubmitSolvedAsync("postmaster@sender.example", "203.0.113.7", null);

        // The outbox sender delivers in the background, woken by the submit.
        var mailbox = Path.Combine(_portal.DataFolder, "mailbox");
        for (var i = 0; i < 200 && !(Directory.Exists(mailbox) && Directory.GetFiles(mailbox, "*.eml").Length > 0); i++)
        {
            await Task.Delay(50);
        }
        var files = Directory.GetFiles(mailbox, "*.eml");
        var page = WebUtility.HtmlDecode(await client.GetStringAsync("/mailbox"));

        Assert.Single(files);
        Assert.Contains("Confirm the removal of 203.0.113.7 from the blocklist", page);
        Assert.Contains("postmaster@sender.example", page);
    }

    [Fact]
    public async Task ANewDatabaseIsMigratedSeededOnceAndLoadedIntoTheIndex()
    {
        using var client = _portal.CreateClient();
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var seeded = await db.Listings.CountAsync();

        await DemoData.SeedAsync(db, TimeProvider.System, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(6, seeded);
        Assert.Equal(6, _portal.Services.GetRequiredService<DelistPortal.Blocklist.Index.BlocklistIndex>().Count);
        Assert.Equal(seeded, await db.Listings.CountAsync());
        Assert.True(File.Exists(Path.Combine(_portal.DataFolder, "portal.db")));
    }
}
