using DelistPortal.Portal;

namespace DelistPortal.Blocklist;

public enum ListingExceptionStatus
{
    Active,
    /// <summary>An admin took it back: the range lists the address again.</summary>
    Revoked,
    /// <summary>Its range was delisted or expired; nothing is left to except the address from.</summary>
    RangeEnded,
    /// <summary>The excepted network itself was listed again, which beats the exception.</summary>
    Superseded,
}

/// <summary>
/// One address freed from a range listing that stays listed for every other address (docs/decisions/008): a
/// completed self-service delist of an address inside a range adds one instead of removing the range. Kept apart
/// from <see cref="Listing"/> (its own table, change-log topic and index entries), so the grid and the import, which
/// read and write listings in bulk, know nothing of it. Never deleted: it ends, like a listing.
/// </summary>
public class ListingException
{
    public int Id { get; set; }

    /// <summary>The range listing it is an exception to.</summary>
    public int ListingId { get; set; }

    public Listing? Listing { get; set; }

    /// <summary>The excepted network as it is shown: an IPv4 address ("198.51.100.1") or an IPv6 /64 by default.</summary>
    public required string Network { get; set; }

    /// <summary>First address as an <see cref="AddressKey"/>.</summary>
    public required string RangeStart { get; set; }

    /// <summary>Last address as an <see cref="AddressKey"/>.</summary>
    public required string RangeEnd { get; set; }

    public required int PrefixLength { get; set; }

    /// <summary>
    /// The range's expiry, copied (and kept in step when an admin edits it), so that the exception stops freeing the
    /// address at the very instant the range stops listing it — before the expiry is recorded.
    /// </summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    public ListingExceptionStatus Status { get; set; }

    public required DateTimeOffset CreatedAt { get; set; }

    public required ActorKind ActorKind { get; set; }

    /// <summary>Who freed it: the requester's confirmed email, or the admin who approved the request.</summary>
    public required string ActorName { get; set; }

    /// <summary>The request that freed the address.</summary>
    public Guid? DelistRequestId { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Who ended it (an admin who revoked it, or the actor who ended the range or listed the address).</summary>
    public string? EndedBy { get; set; }

    /// <summary>Incremented by every change; an admin revoking an exception that changed meanwhile is told so.</summary>
    public int Version { get; set; }

    public IpNetwork IpNetwork => IpNetwork.Parse(Network);

    public bool IsActiveAt(DateTimeOffset now) => Status == ListingExceptionStatus.Active && (ExpiresAt is null || ExpiresAt > now);

    public static ListingException For(Listing range, IpNetwork network, Actor actor, Guid? delistRequestId, DateTimeOffset now) => new()
    {
        ListingId = range.Id,
        Listing = range.Id == 0 ? range : null,
        Network = network.ToString(),
        RangeStart = network.StartKey,
        RangeEnd = network.EndKey,
        PrefixLength = network.PrefixLength,
        ExpiresAt = range.ExpiresAt,
        CreatedAt = now,
        ActorKind = actor.Kind,
        ActorName = actor.Name,
        DelistRequestId = delistRequestId,
    };

    /// <summary>Ends an active exception. Throws for one that has already ended: callers check first.</summary>
    public void End(ListingExceptionStatus status, DateTimeOffset at, string? by)
    {
        if (Status != ListingExceptionStatus.Active || status == ListingExceptionStatus.Active)
        {
            throw new InvalidOperationException($"Exception {Id} ({Network}) is {Status}; it cannot become {status}.");
        }
        Status = status;
        EndedAt = at;
        EndedBy = by;
        Version++;
    }
}
