using DelistPortal.Blocklist;
using DelistPortal.Blocklist.Index;
using DelistPortal.ChangeLog;
using DelistPortal.Data;
using DelistPortal.Portal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DelistPortal.Hosting;

public static class DatabaseInitializer
{
    /// <summary>
    /// Checks the settings, migrates the database and seeds demo data into a new one (one process at a time:
    /// <see cref="DatabaseMigration.MigrateAndSeedAsync"/>), then loads this process's state from the change log's
    /// position on.
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
            await db.MigrateAndSeedAsync(
                (context, ct) => portal.SeedDemoData ? DemoData.SeedAsync(context, time, logger, ct) : Task.CompletedTask, logger, cancellationToken);
        }

        var started = time.GetTimestamp();
        var follower = services.GetRequiredService<ChangeLogFollower>();
        await follower.LoadAsync(cancellationToken);
        logger.LogInformation("Loaded {Count} active listing(s) into the lookup index in {Elapsed:0} ms; following the change log from position {Position}",
            services.GetRequiredService<BlocklistIndex>().Count, time.GetElapsedTime(started).TotalMilliseconds, follower.Position);
    }
}
