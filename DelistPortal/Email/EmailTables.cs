using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Email;

/// <summary>The mail outbox in the portal's database, as a set of the context (<c>db.OutboxMessages</c>).</summary>
public static class EmailTables
{
    extension(PortalDbContext db)
    {
        public DbSet<OutboxMessage> OutboxMessages => db.Set<OutboxMessage>();
    }
}
