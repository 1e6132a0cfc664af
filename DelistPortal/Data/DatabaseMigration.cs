using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Data;

public static class DatabaseMigration
{
    /// <summary>
    /// Creates the data folder (SQLite) or the database (PostgreSQL), applies migrations, turns on WAL and runs
    /// <paramref name="seed"/> — one process at a time (<see cref="StartupLock"/>, <see cref="PostgreSqlStartupLock"/>),
    /// so processes that start together never seed twice.
    /// </summary>
    public static async Task MigrateAndSeedAsync(this PortalDbContext db, Func<PortalDbContext, CancellationToken, Task> seed, ILogger logger,
        CancellationToken cancellationToken = default)
    {
        if (db.Database.IsNpgsql())
        {
            await using var startupLock = await PostgreSqlStartupLock.AcquireAsync(db, logger, cancellationToken);
            await db.Database.MigrateAsync(cancellationToken);
            await seed(db, cancellationToken);
        }
        else
        {
            using var startupLock = await LockDatabaseFileAsync(db, logger, cancellationToken);
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync(SqliteFileSettings, cancellationToken);
            await db.Database.MigrateAsync(cancellationToken);
            await seed(db, cancellationToken);
        }
    }

    /// <summary>The page size of a new SQLite file (16 KiB; SQLite's default is 4 KiB).</summary>
    public const int SqlitePageSize = 16_384;

    /// <summary>
    /// Run on the SQLite file before its migrations. WAL lets the lookups read while a delist writes; the setting is
    /// stored in the file. The page size applies to a new file only: an existing one keeps its own (a WAL file's cannot
    /// change; README, "Operating it"). Larger pages because an import writes every listing into twelve indexes and its
    /// event into five more: a 50,000-row batch wrote them and its WAL in a sixth less time than with 4 KiB pages. A
    /// single delist writes four times the bytes for the pages it touches: a few milliseconds at most (docs/decisions/017).
    /// </summary>
    public static readonly string SqliteFileSettings = $"PRAGMA page_size = {SqlitePageSize}; PRAGMA journal_mode = WAL;";

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
