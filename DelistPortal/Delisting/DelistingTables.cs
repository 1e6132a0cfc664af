using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Delisting;

/// <summary>Delisting's tables in the portal's database, as sets of the context (<c>db.DelistRequests</c>).</summary>
public static class DelistingTables
{
    extension(PortalDbContext db)
    {
        public DbSet<DelistRequest> DelistRequests => db.Set<DelistRequest>();

        /// <summary>Proof-of-work solutions already used, until their challenge expires: each is taken once, by any process.</summary>
        public DbSet<SpentProofOfWork> SpentProofsOfWork => db.Set<SpentProofOfWork>();
    }
}
