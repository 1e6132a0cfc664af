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

    /// <summary>The normalized address (IPv4-mapped IPv6 is stored as IPv4).</summary>
    public required string IpAddress { get; set; }

    public DelistRequestState State { get; set; }

    /// <summary>The language the sender used ("en", "fr"): the confirmation mail is written in it.</summary>
    public string Culture { get; set; } = Hosting.PortalCultures.Default;

    public required DateTimeOffset CreatedAt { get; set; }

    public string? RequestedFromAddress { get; set; }

    /// <summary>SHA-256 of the current confirmation token; the token itself only ever exists in the mail.</summary>
    public required byte[] TokenHash { get; set; }

    public required DateTimeOffset TokenExpiresAt { get; set; }

    /// <summary>How many confirmation mails went out, the first one included.</summary>
    public int ConfirmationsSent { get; set; }

    public DateTimeOffset? LastConfirmationSentAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public string? CompletedFromAddress { get; set; }

    /// <summary>The listings this request removed, as shown to the sender ("203.0.113.7, 198.51.100.0/24").</summary>
    public string? DelistedNetworks { get; set; }

    public bool IsExpired(DateTimeOffset now) => State == DelistRequestState.Expired ||
        (State == DelistRequestState.AwaitingConfirmation && now >= TokenExpiresAt);

    public void MarkDelisted(DateTimeOffset now, string? fromAddress, string networks) =>
        Complete(DelistRequestState.Delisted, now, fromAddress, networks);

    public void MarkNoLongerListed(DateTimeOffset now, string? fromAddress) =>
        Complete(DelistRequestState.NoLongerListed, now, fromAddress, null);

    public void MarkExpired(DateTimeOffset now) => Complete(DelistRequestState.Expired, now, null, null);

    private void Complete(DelistRequestState state, DateTimeOffset now, string? fromAddress, string? networks)
    {
        if (State != DelistRequestState.AwaitingConfirmation)
        {
            throw new InvalidOperationException($"Request {Reference} is {State}; it cannot become {state}.");
        }
        State = state;
        CompletedAt = now;
        CompletedFromAddress = fromAddress;
        DelistedNetworks = networks;
    }
}
