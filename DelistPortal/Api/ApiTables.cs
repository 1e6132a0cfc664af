using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Api;

/// <summary>The API's keys in the portal's database, as a set of the context (<c>db.ApiKeys</c>).</summary>
public static class ApiTables
{
    extension(PortalDbContext db)
    {
        public DbSet<ApiKey> ApiKeys => db.Set<ApiKey>();
    }
}
