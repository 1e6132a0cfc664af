using DelistPortal.Admin;
using DelistPortal.Api;
using DelistPortal.Blocklist;
using DelistPortal.ChangeLog;
using DelistPortal.Delisting;
using DelistPortal.Email;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Data;

/// <summary>The portal's database: the blocklist, its history, delist requests, mail outbox, API keys, Data Protection keys and the admin accounts (Identity).</summary>
public class PortalDbContext(DbContextOptions<PortalDbContext> options) : IdentityDbContext<AdminUser>(options), IDataProtectionKeyContext
{
    /// <summary>The keys that protect cookies, antiforgery tokens and circuit state: shared by every node, kept across restarts.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Listing> Listings => Set<Listing>();

    public DbSet<ListingEvent> ListingEvents => Set<ListingEvent>();

    /// <summary>Addresses freed from range listings that stay listed for the rest (docs/decisions/008).</summary>
    public DbSet<ListingException> ListingExceptions => Set<ListingException>();

    /// <summary>Listings per status and reason, kept by triggers (<see cref="Data.ListingTallies"/>).</summary>
    public DbSet<ListingTally> ListingTallies => Set<ListingTally>();

    public DbSet<DelistRequest> DelistRequests => Set<DelistRequest>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<ImportJob> ImportJobs => Set<ImportJob>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    /// <summary>Every committed change, in commit order, for the processes that follow the database (written by triggers).</summary>
    public DbSet<ChangeLogEntry> ChangeLog => Set<ChangeLogEntry>();

    public DbSet<ChangeLogHorizon> ChangeLogHorizon => Set<ChangeLogHorizon>();

    public DbSet<AdminSetupToken> AdminSetupTokens => Set<AdminSetupToken>();

    /// <summary>Proof-of-work solutions already used, until their challenge expires: each is taken once, by any process.</summary>
    public DbSet<SpentProofOfWork> SpentProofsOfWork => Set<SpentProofOfWork>();

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
