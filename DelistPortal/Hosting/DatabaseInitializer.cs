using DelistPortal.Blocklist.Index;
using DelistPortal.Blocklist;
using DelistPortal.ChangeLog;
using DelistPortal.Data;
using DelistPortal.Portal;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DelistPortal.Hosting;

public static class DatabaseInitializer
{
    /// <summary>
    /// Creates the data folder, applies migrations, turns on WAL and seeds demo data into a new database — one process
    /// at a time (<see cref="StartupLock"/>) — then loads this process's state from the change log's position on.
    /// </summary>
    public static async Task InitializeDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        // Settings first: a wrong value must stop the start with its key named, before anything is created.
        services.GetService<IStartupValidator>()?.Validate();
        var portal = services.GetRequiredService<IOptions<PortalOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseInitializer));
        var dbFactory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var time = services.GetRequiredService<TimeProvider>();

        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (db.Database.IsNpgsql())
            {
                await using var startupLock = await PostgreSqlStartupLock.AcquireAsync(db, logger, cancellationToken);
                await MigrateAndSeedAsync(db, portal, time, logger, cancellationToken);
            }
            else
            {
                using var startupLock = await LockDatabaseFileAsync(db, logger, cancellationToken);
                // WAL lets the lookups read while a delist writes; the setting is stored in the file.
                await db.Database.OpenConnectionAsync(cancellationToken);
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
                await MigrateAndSeedAsync(db, portal, time, logger, cancellationToken);
            }
        }

        var started = time.GetTimestamp();
        var follower = services.GetRequiredService<ChangeLogFollower>();
        await follower.LoadAsync(cancellationToken);
        logger.LogInformation("Loaded {Count} active listing(s) into the lookup index in {Elapsed:0} ms; following the change log from position {Position}",
            services.GetRequiredService<BlocklistIndex>().Count, time.GetElapsedTime(started).TotalMilliseconds, follower.Position);
    }

    private static async Task MigrateAndSeedAsync(PortalDbContext db, PortalOptions portal, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        await db.Database.MigrateAsync(cancellationToken);
        if (portal.SeedDemoData)
        {
            await DemoData.SeedAsync(db, time, logger, cancellationToken);
        }
    }

    private static async Task<StartupLock?> LockDatabaseFileAsync(PortalDbContext db, ILogger logger, CancellationToken cancellationToken)
    {
        var dataSource = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        if (dataSource is not { Length: > 0 } || dataSource == ":memory:" || Path.GetDirectoryName(Path.GetFullPath(dataSource)) is not { } folder)
        {
            return null;
        }
        Directory.CreateDirectory(folder);
        logger.LogInformation("Database: {File}", Path.GetFullPath(dataSource));
        return await StartupLock.AcquireAsync(Path.GetFullPath(dataSource), logger, cancellationToken);
    }
}
