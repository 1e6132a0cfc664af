using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace DelistPortal.Data;

/// <summary>
/// Lets SQLite itself wait for another writer (<c>PRAGMA busy_timeout</c>) on every connection the portal opens.
/// Without it, Microsoft.Data.Sqlite answers "database is locked" by sleeping 150 ms and trying again, so a write that
/// met another one for a millisecond took 150 ms or 300 ms: with 50 senders at once, Submit's and Delist IP's slowest
/// twentieth (docs/benchmarks-capacity.md). SQLite's own wait retries within milliseconds.
/// </summary>
internal sealed class SqliteBusyWait : DbConnectionInterceptor
{
    public static readonly SqliteBusyWait Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        if (connection is not SqliteConnection sqlite)
        {
            return;
        }
        using var command = sqlite.CreateCommand();
        // As long as the connection's own timeout (DatabaseConnection: at least 30 s): the same patience, finer steps.
        command.CommandText = $"PRAGMA busy_timeout = {Math.Max(sqlite.DefaultTimeout, 1) * 1000};";
        command.ExecuteNonQuery();
    }
}
