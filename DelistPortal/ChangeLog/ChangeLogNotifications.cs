using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DelistPortal.ChangeLog;

/// <summary>
/// On PostgreSQL, wakes this process's <see cref="ChangeLogFollower"/> as soon as another process commits a change:
/// the change-log triggers send <c>NOTIFY</c> on <see cref="ChangeLogTriggers.PostgreSqlChannel"/>, delivered at commit
/// (docs/decisions/012). One connection per process listens. A lost notification (the connection dropped, the
/// listener reconnecting) only delays: the follower's poll stays as the backstop. Nothing to do on SQLite.
/// </summary>
public sealed class ChangeLogNotifications(
    IDbContextFactory<PortalDbContext> dbFactory,
    ChangeLogFollower follower,
    ILogger<ChangeLogNotifications> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string connectionString;
        await using (var db = await dbFactory.CreateDbContextAsync(stoppingToken))
        {
            if (!db.Database.IsNpgsql())
            {
                return;
            }
            // Its own connection, outside the pool: it stays open and waiting for as long as the process runs.
            connectionString = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false, KeepAlive = 30 }.ToString();
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                connection.Notification += (_, _) => follower.Wake();
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {ChangeLogTriggers.PostgreSqlChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                // Whatever committed while this was not listening.
                follower.Wake();
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or System.IO.IOException or TimeoutException)
            {
                logger.LogWarning(ex, "Listening for change-log notifications failed; the poll still finds every change. Listening again in {Delay}", RetryDelay);
                try
                {
                    await Task.Delay(RetryDelay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
