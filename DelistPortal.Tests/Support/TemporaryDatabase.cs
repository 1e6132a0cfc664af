using System.Data.Common;
using DelistPortal.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace DelistPortal.Tests.Support;

/// <summary>
/// A migrated database, deleted afterwards: a SQLite file in a temporary folder (the default), or a fresh database on
/// the tests' real PostgreSQL server (<see cref="PostgreSqlServer"/>) — the same engines as production. The folder
/// exists for both: it is the portal's data folder in tests.
/// </summary>
public sealed class TemporaryDatabase : IDbContextFactory<PortalDbContext>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("delistportal-test-").FullName;
    private readonly DbContextOptions<PortalDbContext> _options;

    public TemporaryDatabase(params IInterceptor[] interceptors)
        : this(DatabaseProvider.Sqlite, interceptors)
    {
    }

    public TemporaryDatabase(DatabaseProvider provider, params IInterceptor[] interceptors)
    {
        Provider = provider;
        if (provider == DatabaseProvider.PostgreSQL)
        {
            // A copy of the migrated template: already migrated.
            ConnectionString = PostgreSqlServer.CreateDatabase();
            _options = new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql(ConnectionString).AddInterceptors(interceptors).Options;
            return;
        }
        ConnectionString = $"Data Source={Path.Combine(_folder, "portal.db")};Default Timeout=30";
        _options = new DbContextOptionsBuilder<PortalDbContext>()
            .UseSqlite(ConnectionString)
            .AddInterceptors(interceptors)
            .Options;
        using var db = CreateDbContext();
        db.Database.Migrate();
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    /// <summary>The temporary folder of the database, deleted with it (the portal's data folder in tests).</summary>
    public string Folder => _folder;

    public PortalDbContext CreateDbContext() => PortalDbContext.Create(_options, Provider);

    /// <summary>An open connection of the provider's own ADO.NET type, for SQL written by hand (an operator's script).</summary>
    public DbConnection OpenConnection()
    {
        DbConnection connection = Provider == DatabaseProvider.PostgreSQL
            ? new NpgsqlConnection(ConnectionString)
            : new SqliteConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>
    /// The configuration a portal host needs to use this database (<c>Database:Provider</c> and
    /// <c>ConnectionStrings:Portal</c>), for hosts started by a test.
    /// </summary>
    public IReadOnlyDictionary<string, string?> HostSettings => new Dictionary<string, string?>
    {
        [$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.Provider)}"] = Provider.ToString(),
        ["ConnectionStrings:Portal"] = ConnectionString,
    };

    public void Dispose()
    {
        if (Provider == DatabaseProvider.PostgreSQL)
        {
            PostgreSqlServer.DropDatabase(ConnectionString);
        }
        else
        {
            SqliteConnection.ClearAllPools();
        }
        Directory.Delete(_folder, recursive: true);
    }
}
