using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Blocklist;

/// <summary>The blocklist's tables in the portal's database, as sets of the context (<c>db.Listings</c>).</summary>
public static class BlocklistTables
{
    extension(PortalDbContext db)
    {
        public DbSet<Listing> Listings => db.Set<Listing>();

        public DbSet<ListingEvent> ListingEvents => db.Set<ListingEvent>();

        /// <summary>Addresses freed from range listings that stay listed for the rest (docs/decisions/008).</summary>
        public DbSet<ListingException> ListingExceptions => db.Set<ListingException>();

        /// <summary>Listings per status and reason, kept by triggers (<see cref="Blocklist.ListingTallies"/>).</summary>
        public DbSet<ListingTally> ListingTallies => db.Set<ListingTally>();
    }
}
