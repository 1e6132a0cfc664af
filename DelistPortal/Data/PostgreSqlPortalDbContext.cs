using DelistPortal.Blocklist;
using DelistPortal.ChangeLog;
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
        // ADR 002: the hex address keys compare and sort bytewise only under the "C" collation (the database's default
        // collation may be a locale's). Not fixed-length: character(n) compared with a text parameter is cast to text,
        // which the index on it cannot serve.
        foreach (var entity in new[] { typeof(Listing), typeof(ListingEvent), typeof(ListingException) })
        {
            foreach (var key in new[] { nameof(Listing.RangeStart), nameof(Listing.RangeEnd) })
            {
                modelBuilder.Entity(entity).Property(key).IsFixedLength(false).UseCollation("C");
            }
        }
        modelBuilder.Entity<ChangeLogEntry>().Property(e => e.At).HasDefaultValueSql(ChangeLogTriggers.NowMillisecondsPostgreSql);
    }
}

/// <summary>For <c>dotnet ef migrations add Name --context PostgreSqlPortalDbContext --output-dir Data/Migrations/PostgreSql</c>: no server needed.</summary>
internal sealed class PostgreSqlPortalDbContextDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlPortalDbContext>
{
    public PostgreSqlPortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql("Host=localhost;Database=delistportal").Options);
}
