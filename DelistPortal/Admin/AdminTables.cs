using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Admin;

/// <summary>The admin area's tables in the portal's database, as sets of the context (<c>db.ImportJobs</c>).</summary>
public static class AdminTables
{
    extension(PortalDbContext db)
    {
        public DbSet<ImportJob> ImportJobs => db.Set<ImportJob>();

        public DbSet<AdminSetupToken> AdminSetupTokens => db.Set<AdminSetupToken>();
    }
}
