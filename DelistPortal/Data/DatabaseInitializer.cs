using DelistPortal.Blocklist.Index;
using DelistPortal.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DelistPortal.Data;

public static class DatabaseInitializer
{
    /// <summary>
    /// Creates the data folder, applies migrations, turns on WAL, seeds demo data into a new database and loads the
    /// in-memory index of active listings.
    /// </summary>
    public static async Task InitializeDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        // Settings first: a wrong value must stop the start with its key named, before anything is created.
        services.GetService<IStartupValidator>()?.Validate();
        var portal = services.GetRequiredService<IOptions<PortalOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseInitializer));
        var dbFactory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource is { Length: > 0 } file &&
            Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder)
        {
            Directory.CreateDirectory(folder);
            logger.LogInformation("Database: {File}", Path.GetFullPath(file));
        }
        // WAL lets the lookups read while a delist writes; the setting is stored in the file.
        await db.Database.OpenConnectionAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);

        var time = services.GetRequiredService<TimeProvider>();
        if (portal.SeedDemoData)
        {
            await DemoData.SeedAsync(db, time, logger, cancellationToken);
        }

        var started = time.GetTimestamp();
        await services.GetRequiredService<ListingIndexSynchronizer>().LoadAsync(db, time.GetUtcNow(), cancellationToken);
        logger.LogInformation("Loaded {Count} active listing(s) into the lookup index in {Elapsed:0} ms",
            services.GetRequiredService<BlocklistIndex>().Count, time.GetElapsedTime(started).TotalMilliseconds);
    }
}
