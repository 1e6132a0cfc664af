using System.Net;

namespace DelistPortal.Delisting;

/// <summary>
/// A sender's request to remove one IP address, confirmed through a link mailed to one address.
/// Stored from Submit on, so the flow survives a new tab, a refresh and a restart.
/// </summary>
public class DelistRequest
{
    public Guid Id { get; set; }

    /// <summary>What the sender quotes to us; unique, short, unambiguous to read aloud.</summary>
    public required string Reference { get; set; }

    public required string Email { get; set; }

    /// <summary>The normalized address (IPv4-mapped IPv6 is stored as IPv4), parsed once when the sender submits it.</summary>
    public required IPAddress IpAddress { get; set; }

    public DelistRequestState State { get; set; }

    /// <summary>The language the sender used ("en", "fr"): the confirmation mail is written in it.</summary>
    public string Culture { get; set; } = Portal.PortalCultures.Default;

    public required DateTimeOffset CreatedAt { get; set; }

    public string? RequestedFromAddress { get; set; }

    /// <summary>The requester's address for rate limits: IPv4 as is, IPv6 as its /64.</summary>
    public string? ClientGroup { get; set; }

    /// <summary>The /24 or /48 around <see cref="IpAddress"/>, for the per-range limit.</summary>
    public string? TargetRange { get; set; }

    /// <summary>SHA-256 of the current confirmation token; the token itself only ever exists in the mail.</summary>
    public required byte[] TokenHash { get; set; }

    public required DateTimeOffset TokenExpiresAt { get; set; }

    /// <summary>How many confirmation mails went out, the first one included.</summary>
    public int ConfirmationsSent { get; set; }

    public DateTimeOffset? LastConfirmationSentAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public string? CompletedFromAddress { get; set; }

    /// <summary>The listings this request removed, as shown to the sender ("203.0.113.7, 2001:db8::25").</summary>
    public string? DelistedNetworks { get; set; }

    /// <summary>The network this request freed from ranges that stay listed ("198.51.100.1", or an IPv6 /64); null if none.</summary>
    public string? ExceptedNetwork { get; set; }

    /// <summary>The ranges <see cref="ExceptedNetwork"/> was freed from, which stay listed for every other address ("198.51.100.0/24").</summary>
    public string? ExceptedFrom { get; set; }

    /// <summary>Why the request went to review, for the admin who decides it.</summary>
    public string? ReviewNote { get; set; }

    /// <summary>The admin who approved or denied the request after review.</summary>
    public string? DecidedBy { get; set; }

    /// <summary>The admin's message to the sender, mailed with the outcome.</summary>
    public string? DecisionMessage { get; set; }

    /// <summary>True when the mail telling the sender the outcome of a review could not be sent.</summary>
    public bool OutcomeMailFailed { get; set; }

    public bool IsFinal => State is not (DelistRequestState.AwaitingConfirmation or DelistRequestState.InReview);

    public bool IsExpired(DateTimeOffset now) => State == DelistRequestState.Expired ||
        (State == DelistRequestState.AwaitingConfirmation && now >= TokenExpiresAt);

    public void MarkDelisted(DateTimeOffset now, string? fromAddress, string? networks) =>
        MoveTo(DelistRequestState.Delisted, now, fromAddress, networks);

    /// <summary>Delisted by <paramref name="plan"/>: what it removed, and what it freed from which ranges.</summary>
    public void MarkDelisted(DateTimeOffset now, string? fromAddress, Blocklist.DelistPlan plan)
    {
        MoveTo(DelistRequestState.Delisted, now, fromAddress, plan.RemovedNetworks);
        ExceptedNetwork = plan.Excepted.Count > 0 ? plan.ExceptionNetwork.ToString() : null;
        ExceptedFrom = plan.ExceptedFrom;
    }

    public void MarkNoLongerListed(DateTimeOffset now, string? fromAddress) =>
        MoveTo(DelistRequestState.NoLongerListed, now, fromAddress, null);

    public void MarkExpired(DateTimeOffset now) => MoveTo(DelistRequestState.Expired, now, null, null);

    /// <summary>Confirmed by the sender, but the listing policy wants a person to decide.</summary>
    public void MarkInReview(DateTimeOffset now, string? fromAddress, string note)
    {
        MoveTo(DelistRequestState.InReview, now, fromAddress, null);
        ReviewNote = note;
    }

    public void MarkDenied(DateTimeOffset now, string? fromAddress) => MoveTo(DelistRequestState.Denied, now, fromAddress, null);

    private static bool CanMove(DelistRequestState from, DelistRequestState to) => (from, to) switch
    {
        (DelistRequestState.AwaitingConfirmation, DelistRequestState.Delisted or DelistRequestState.NoLongerListed
            or DelistRequestState.Expired or DelistRequestState.InReview) => true,
        (DelistRequestState.InReview, DelistRequestState.Delisted or DelistRequestState.NoLongerListed or DelistRequestState.Denied) => true,
        _ => false,
    };

    private void MoveTo(DelistRequestState state, DateTimeOffset now, string? fromAddress, string? networks)
    {
        if (!CanMove(State, state))
        {
            throw new InvalidOperationException($"Request {Reference} is {State}; it cannot become {state}.");
        }
        State = state;
        CompletedAt = now;
        CompletedFromAddress = fromAddress;
        DelistedNetworks = networks;
    }
}
