using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.ChangeLog;

/// <summary>The change log's tables in the portal's database, as sets of the context (<c>db.ChangeLog</c>).</summary>
public static class ChangeLogTables
{
    extension(PortalDbContext db)
    {
        /// <summary>Every committed change, in commit order, for the processes that follow the database (written by triggers).</summary>
        public DbSet<ChangeLogEntry> ChangeLog => db.Set<ChangeLogEntry>();

        public DbSet<ChangeLogHorizon> ChangeLogHorizon => db.Set<ChangeLogHorizon>();
    }
}
