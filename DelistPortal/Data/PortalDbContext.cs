using DelistPortal.Portal;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Data;

/// <summary>
/// The portal's database: what is the database's own (the admin accounts of Identity, the Data Protection keys, the
/// conventions). Each feature declares its tables beside its entities: the sets as extension members on this type
/// (<c>db.Listings</c> is <c>db.Set&lt;Listing&gt;()</c>) and the mapping as <see cref="IEntityTypeConfiguration{TEntity}"/>
/// classes, found in the assembly; so this folder uses no feature.
/// </summary>
public class PortalDbContext(DbContextOptions<PortalDbContext> options) : IdentityDbContext<AdminUser>(options), IDataProtectionKeyContext
{
    /// <summary>The keys that protect cookies, antiforgery tokens and circuit state: shared by every node, kept across restarts.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>True when a save failed on a unique index (two writers adding the same thing at once).</summary>
    public static bool IsUniqueViolation(DbUpdateException exception) =>
        exception.InnerException is DbException inner && IsUniqueViolation(inner);

    /// <summary>The same, for SQL run on the connection directly: SQLite's constraint codes, PostgreSQL's 23505.</summary>
    public static bool IsUniqueViolation(DbException exception) => exception switch
    {
        SqliteException sqlite => sqlite is { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 },
        Npgsql.PostgresException postgres => postgres.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    /// <summary>
    /// The context for <paramref name="provider"/>: on PostgreSQL the derived type, whose model and migrations are
    /// PostgreSQL's own (<see cref="PostgreSqlPortalDbContext"/>).
    /// </summary>
    public static PortalDbContext Create(DbContextOptions<PortalDbContext> options, DatabaseProvider provider) =>
        provider == DatabaseProvider.PostgreSQL ? new PostgreSqlPortalDbContext(options) : new PortalDbContext(options);

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        RefuseHistoryRewrites();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RefuseHistoryRewrites();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly, type => !IPostgreSqlConfiguration.Marks(type));
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot compare or sort DateTimeOffset text; UTC milliseconds can be indexed and compared.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcMillisecondsConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcMillisecondsConverter>();
    }

    /// <summary>History is append-only; the database's triggers say the same to anyone bypassing EF.</summary>
    private void RefuseHistoryRewrites()
    {
        if (ChangeTracker.Entries<IAppendOnly>().FirstOrDefault(e => e.State is EntityState.Modified or EntityState.Deleted) is { } rewrite)
        {
            throw new InvalidOperationException(rewrite.Entity.RewriteRefusal);
        }
    }
}
