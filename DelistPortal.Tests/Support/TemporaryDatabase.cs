using DelistPortal.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace DelistPortal.Tests.Support;

/// <summary>A migrated SQLite file in a temporary folder, deleted afterwards: the same engine as production.</summary>
public sealed class TemporaryDatabase : IDbContextFactory<PortalDbContext>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("delistportal-test-").FullName;
    private readonly DbContextOptions<PortalDbContext> _options;

    public TemporaryDatabase(params IInterceptor[] interceptors)
    {
        ConnectionString = $"Data Source={Path.Combine(_folder, "portal.db")};Default Timeout=30";
        _options = new DbContextOptionsBuilder<PortalDbContext>()
            .UseSqlite(ConnectionString)
            .AddInterceptors(interceptors)
            .Options;
        using var db = CreateDbContext();
        db.Database.Migrate();
    }

    public string ConnectionString { get; }

    /// <summary>The temporary folder of the database, deleted with it (the portal's data folder in tests).</summary>
    public string Folder => _folder;

    public PortalDbContext CreateDbContext() => new(_options);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
