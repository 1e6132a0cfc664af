using System.Security.Claims;
using DelistPortal.Blocklist;

namespace DelistPortal.Admin;

/// <summary>
/// A range's exceptions in the grid's row details: who freed which address when, through which request; an admin
/// revokes one (the range lists the address again at once, recorded in the range's history).
/// </summary>
public sealed class RangeExceptionAdminService(BlocklistService blocklist)
{
    public async Task<IReadOnlyList<ExceptionView>> ExceptionsOfAsync(ClaimsPrincipal caller, Listing range, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        return await blocklist.ExceptionsOfAsync(range.Id, cancellationToken);
    }

    public Task<ExceptionChangeResult> RevokeAsync(ClaimsPrincipal caller, int exceptionId, int expectedVersion, string? clientAddress,
        CancellationToken cancellationToken = default)
    {
        var actor = AdminAccess.RequireWriter(caller);
        return blocklist.RevokeExceptionAsync(exceptionId, expectedVersion, actor, null, clientAddress, cancellationToken);
    }
}
