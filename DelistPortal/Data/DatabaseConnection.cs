using DelistPortal.Portal;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Data;

public static class DatabaseConnection
{
    /// <summary>Points <paramref name="builder"/> at the configured database (<see cref="DatabaseOptions"/>).</summary>
    public static DbContextOptionsBuilder UsePortalDatabase(this DbContextOptionsBuilder builder, IConfiguration configuration, DatabaseOptions database, PortalOptions portal) =>
        database.Provider == DatabaseProvider.PostgreSQL
            ? builder.UseNpgsql(database.ConnectionString)
            : builder.UseSqlite(ConnectionString(configuration, portal)).AddInterceptors(SqliteBusyWait.Instance);

    /// <summary>ConnectionStrings:Portal when set; otherwise portal.db in the data folder.</summary>
    public static string ConnectionString(IConfiguration configuration, PortalOptions portal)
    {
        var configured = configuration.GetConnectionString("Portal");
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured)
            ? $"Data Source={Path.Combine(portal.DataDirectoryPath, "portal.db")}"
            : configured);
        // Writers wait for each other this long instead of failing with "database is locked".
        builder.DefaultTimeout = Math.Max(builder.DefaultTimeout, 30);
        builder.Pooling = true;
        return builder.ToString();
    }
}
