using DelistPortal.Portal;
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

/// <summary>
/// The contexts of <c>dotnet ef</c> (no server needed): SQLite's on the configured file, PostgreSQL's for
/// <c>--context PostgreSqlPortalDbContext --output-dir Data/Migrations/PostgreSql</c>. One class for both: the factory
/// interface is covariant and EF takes the first class that matches, so a PostgreSQL-only factory answered
/// <c>--context PortalDbContext</c> too, and that command wrote a PostgreSQL migration.
/// </summary>
internal sealed class PortalDbContextDesignTimeFactory : IDesignTimeDbContextFactory<PortalDbContext>, IDesignTimeDbContextFactory<PostgreSqlPortalDbContext>
{
    PortalDbContext IDesignTimeDbContextFactory<PortalDbContext>.CreateDbContext(string[] args)
    {
        var configuration = new ConfigurationBuilder().AddJsonFile("appsettings.json", optional: true).AddCommandLine(args).Build();
        var portal = configuration.GetSection(PortalOptions.Section).Get<PortalOptions>() ?? new();
        return new(new DbContextOptionsBuilder<PortalDbContext>().UseSqlite(DatabaseConnection.ConnectionString(configuration, portal)).Options);
    }

    public PostgreSqlPortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql("Host=localhost;Database=delistportal").Options);
}
