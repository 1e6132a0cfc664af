using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DelistPortal.Data;

/// <summary>Makes the context type of the configured provider (<see cref="PortalDbContext.Create"/>).</summary>
public sealed class PortalDbContextFactory(DbContextOptions<PortalDbContext> options, IOptions<DatabaseOptions> database) : IDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext() => PortalDbContext.Create(options, database.Value.Provider);
}
