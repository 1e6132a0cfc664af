using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace DelistPortal.Data;

/// <summary>
/// PostgreSQL's counterpart of <see cref="StartupLock"/>: a session-level advisory lock held on the context's open
/// connection while this host migrates and seeds; hosts that start together wait for it. The server releases it when
/// the session ends, so a host killed mid-start leaves nothing locked.
/// </summary>
internal sealed class PostgreSqlStartupLock : IAsyncDisposable
{
    /// <summary>"DPStartU" as a number; the change log's commit lock is another key.</summary>
    private const long Key = 0x4450_5374_6172_7455;

    private readonly PortalDbContext _db;

    private PostgreSqlStartupLock(PortalDbContext db) => _db = db;

    public static async Task<PostgreSqlStartupLock> AcquireAsync(PortalDbContext db, ILogger logger, CancellationToken cancellationToken)
    {
        await CreateDatabaseIfMissingAsync(db, logger, cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        if (!await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_lock({Key}) AS \"Value\"").SingleAsync(cancellationToken))
        {
            logger.LogInformation("Another portal host is preparing the database; waiting for it");
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({Key})", cancellationToken);
        }
        return new PostgreSqlStartupLock(db);
    }

    /// <summary>The lock lives in the database, so the database must exist first; two hosts may both try to create it.</summary>
    private static async Task CreateDatabaseIfMissingAsync(PortalDbContext db, ILogger logger, CancellationToken cancellationToken)
    {
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (await creator.ExistsAsync(cancellationToken))
        {
            return;
        }
        try
        {
            await creator.CreateAsync(cancellationToken);
            logger.LogInformation("Created the PostgreSQL database");
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState == Npgsql.PostgresErrorCodes.DuplicateDatabase)
        {
            // Another host created it meanwhile.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({Key})");
        await _db.Database.CloseConnectionAsync();
    }
}
