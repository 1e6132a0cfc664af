using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Delisting;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Data;

/// <summary>The portal's database: the blocklist, its history, delist requests, and the admin accounts (Identity).</summary>
public class PortalDbContext(DbContextOptions<PortalDbContext> options) : IdentityDbContext<AdminUser>(options)
{
    public DbSet<Listing> Listings => Set<Listing>();

    public DbSet<ListingEvent> ListingEvents => Set<ListingEvent>();

    public DbSet<DelistRequest> DelistRequests => Set<DelistRequest>();

    /// <summary>True when a save failed on a unique index (two writers adding the same thing at once).</summary>
    public static bool IsUniqueViolation(DbUpdateException exception) =>
        exception.InnerException is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };

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
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
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
        if (ChangeTracker.Entries<ListingEvent>().Any(e => e.State is EntityState.Modified or EntityState.Deleted))
        {
            throw new InvalidOperationException("The blocklist history is append-only: events cannot be changed or deleted.");
        }
    }
}
