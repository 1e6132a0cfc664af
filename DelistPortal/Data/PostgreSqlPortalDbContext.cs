using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace DelistPortal.Data;

/// <summary>
/// The portal's database on PostgreSQL: the same model with PostgreSQL's differences, and its own migrations
/// (Data/Migrations/PostgreSql), since EF keeps one migration set per context type. Created by
/// <see cref="PortalDbContext.Create"/> when the options name Npgsql; code everywhere else sees a <see cref="PortalDbContext"/>.
/// </summary>
public sealed class PostgreSqlPortalDbContext(DbContextOptions<PortalDbContext> options) : PortalDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // PostgreSQL's differences live beside the features' entities (the "C" collation of the address keys, the
        // database clock's default), applied after the common mapping as the SQLite context's are.
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly, IPostgreSqlConfiguration.Marks);
    }
}

/// <summary>For <c>dotnet ef migrations add Name --context PostgreSqlPortalDbContext --output-dir Data/Migrations/PostgreSql</c>: no server needed.</summary>
internal sealed class PostgreSqlPortalDbContextDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlPortalDbContext>
{
    public PostgreSqlPortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql("Host=localhost;Database=delistportal").Options);
}
