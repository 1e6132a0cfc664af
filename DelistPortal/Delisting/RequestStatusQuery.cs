using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Delisting;

/// <summary>
/// What the status page shows about a request: never the email address, the token or the client addresses, since
/// anyone who has the reference may look.
/// </summary>
public sealed record RequestStatus(
    string Reference,
    string IpAddress,
    DelistRequestState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LinkExpiresAt,
    DateTimeOffset? CompletedAt,
    string? DelistedNetworks,
    string? ExceptedNetwork = null,
    string? ExceptedFrom = null);

/// <summary>Reads a request's state by its reference number. Read-only: it changes nothing, not even an expired state.</summary>
public sealed class RequestStatusQuery(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    /// <summary>The request's status, or null when the reference is unknown or cannot be one.</summary>
    public async Task<RequestStatus?> FindAsync(string? reference, CancellationToken cancellationToken = default)
    {
        if (RequestReference.Normalize(reference) is not { } normalized)
        {
            return null;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await db.DelistRequests.AsNoTracking()
            .FirstOrDefaultAsync(r => r.Reference == normalized, cancellationToken);
        if (request is null)
        {
            return null;
        }
        var now = time.GetUtcNow();
        // A request whose link ran out is expired, whether or not anything has written that down yet.
        var state = request.IsExpired(now) ? DelistRequestState.Expired : request.State;
        return new RequestStatus(
            request.Reference,
            request.IpAddress.ToString(),
            state,
            request.CreatedAt,
            state == DelistRequestState.AwaitingConfirmation ? request.TokenExpiresAt : null,
            request.CompletedAt,
            request.DelistedNetworks,
            request.ExceptedNetwork,
            request.ExceptedFrom);
    }
}
