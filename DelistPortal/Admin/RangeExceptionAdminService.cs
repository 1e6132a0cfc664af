using DelistPortal.Delisting;
using System.Security.Claims;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Admin;

/// <summary>
/// A range's exceptions in the grid's row details: who freed which address when, through which request; an admin
/// revokes one (the range lists the address again at once, recorded in the range's history).
/// </summary>
public sealed class RangeExceptionAdminService(BlocklistService blocklist, IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    public async Task<IReadOnlyList<ExceptionView>> ExceptionsOfAsync(ClaimsPrincipal caller, Listing range, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        // Here rather than in BlocklistService: the request's reference is Delisting's, and Blocklist uses no feature.
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var rows = await db.ListingExceptions.AsNoTracking()
            .Where(e => e.ListingId == range.Id)
            .OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id)
            .Select(e => new
            {
                Exception = e,
                // Set<T>(), not the DelistRequests extension property: an expression tree cannot hold an extension property.
                Reference = db.Set<DelistRequest>().Where(r => r.Id == e.DelistRequestId).Select(r => r.Reference).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        return rows
            .Select(r => new ExceptionView(r.Exception, r.Reference, r.Exception.IsActiveAt(now)))
            .OrderByDescending(v => v.IsActive)
            .ToList();
    }

    public Task<ExceptionChangeResult> RevokeAsync(ClaimsPrincipal caller, int exceptionId, int expectedVersion, string? clientAddress,
        CancellationToken cancellationToken = default)
    {
        var actor = AdminAccess.RequireWriter(caller);
        return blocklist.RevokeExceptionAsync(exceptionId, expectedVersion, actor, null, clientAddress, cancellationToken);
    }
}
