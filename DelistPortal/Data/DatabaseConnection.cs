using DelistPortal.Portal;
using Microsoft.Data.Sqlite;

namespace DelistPortal.Data;

public static class DatabaseConnection
{
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
