using DelistPortal.Data;
using DelistPortal.Portal;

namespace DelistPortal.Blocklist;

public enum ListingEventKind
{
    Listed,
    Edited,
    Delisted,
    Expired,
    /// <summary>Listed again after an earlier listing of the same network ended.</summary>
    Relisted,
    /// <summary>A self-service delist was refused (sent to review) by the listing policy.</summary>
    Refused,
    /// <summary>One address was freed from this range, which stays listed for the rest (a <see cref="ListingException"/>).</summary>
    ExceptionAdded,
    /// <summary>An admin revoked an exception of this range: the range lists the address again.</summary>
    ExceptionRevoked,
    /// <summary>An exception of this range ended with the range, or because its address was listed itself.</summary>
    ExceptionEnded,
}

/// <summary>
/// One change to the blocklist. Append-only: the DbContext refuses to update or delete events, and the database
/// has triggers that do the same for anyone writing SQL by hand.
/// </summary>
public class ListingEvent : IAppendOnly
{
    public const int MaxReasonLength = 1000;

    public long Id { get; set; }

    public int ListingId { get; set; }

    /// <summary>Copied from the listing, so history is searchable by address and range without a join.</summary>
    public required string Network { get; set; }

    public required string RangeStart { get; set; }

    public required string RangeEnd { get; set; }

    public required ListingEventKind Kind { get; set; }

    public required ActorKind ActorKind { get; set; }

    public required string ActorName { get; set; }

    public required DateTimeOffset At { get; set; }

    public string? ClientAddress { get; set; }

    /// <summary>Why, in the actor's words or the portal's.</summary>
    public string? Reason { get; set; }

    public Guid? DelistRequestId { get; set; }

    public Listing? Listing { get; set; }

    string IAppendOnly.RewriteRefusal => "The blocklist history is append-only: events cannot be changed or deleted.";

    public static ListingEvent For(Listing listing, ListingEventKind kind, Actor actor, DateTimeOffset at, string? clientAddress, string? reason) => new()
    {
        ListingId = listing.Id,
        // A listing that is being added has no id yet: the navigation lets EF fill it in on save.
        Listing = listing.Id == 0 ? listing : null,
        Network = listing.Network,
        RangeStart = listing.RangeStart,
        RangeEnd = listing.RangeEnd,
        Kind = kind,
        ActorKind = actor.Kind,
        ActorName = actor.Name,
        At = at,
        ClientAddress = clientAddress,
        Reason = reason is { Length: > MaxReasonLength } ? reason[..MaxReasonLength] : reason,
    };
}
