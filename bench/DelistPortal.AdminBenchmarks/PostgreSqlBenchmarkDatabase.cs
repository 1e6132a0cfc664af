using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DelistPortal.AdminBenchmarks;

/// <summary>A PostgreSQL database for the import run: dropped, created and migrated by the PostgreSQL migration set.</summary>
public sealed class PostgreSqlBenchmarkDatabase(string connectionString) : IDbContextFactory<PortalDbContext>
{
    private readonly DbContextOptions<PortalDbContext> _options = new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql(connectionString).Options;

    public PortalDbContext CreateDbContext() => PortalDbContext.Create(_options, DatabaseProvider.PostgreSQL);

    public static PostgreSqlBenchmarkDatabase Recreate(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        using (var server = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" }.ToString()))
        {
            server.Open();
            using var command = server.CreateCommand();
            command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE); CREATE DATABASE \"{name}\"";
            command.ExecuteNonQuery();
        }
        var database = new PostgreSqlBenchmarkDatabase(connectionString);
        using (var db = database.CreateDbContext())
        {
            db.Database.Migrate();
        }
        return database;
    }
}
