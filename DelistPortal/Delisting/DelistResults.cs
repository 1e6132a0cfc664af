using DelistPortal.Blocklist;

namespace DelistPortal.Delisting;

public enum SubmitOutcome
{
    /// <summary>One or both fields are wrong; nothing was stored.</summary>
    Invalid,
    /// <summary>The address is not on the list; nothing was stored, no mail was sent.</summary>
    NotListed,
    /// <summary>The request is stored and its mail is in the outbox (sent at once, or retried until the mail server answers).</summary>
    ConfirmationSent,
    /// <summary>Too many requests lately (from this client, for this address or range, or to this email); see RetryAt.</summary>
    TooManyRequests,
    /// <summary>The browser's proof of work was missing, wrong, expired, used before or not signed by this portal; nothing was stored.</summary>
    ProofOfWorkRefused,
}

public sealed record SubmitResult(
    SubmitOutcome Outcome,
    EmailAddressError EmailError = EmailAddressError.None,
    IpAddressError IpError = IpAddressError.None,
    string? IpAddress = null,
    PendingRequest? Request = null,
    DateTimeOffset? RetryAt = null,
    ProofOfWorkError ProofOfWorkError = ProofOfWorkError.None);

/// <summary>What the "Check your email" step shows about a request that waits for its link.</summary>
public sealed record PendingRequest(
    string Reference,
    string Email,
    string IpAddress,
    DateTimeOffset LinkExpiresAt,
    TimeSpan LinkLifetime,
    DateTimeOffset? CanResendAt,
    int ResendsLeft);

public enum ResendOutcome
{
    Sent,
    TooSoon,
    LimitReached,
    /// <summary>The request is unknown, finished or expired.</summary>
    NotPending,
}

public sealed record ResendResult(ResendOutcome Outcome, PendingRequest? Request = null);

public enum ConfirmationStatus
{
    /// <summary>Unknown reference, wrong token, or a token replaced by a newer mail: all look alike to the sender.</summary>
    InvalidLink,
    Expired,
    /// <summary>The link is good and the address is listed: the Delist button can be shown.</summary>
    ReadyToDelist,
    /// <summary>The link is good but the address is no longer on the list.</summary>
    NotListedAnyMore,
    /// <summary>The request was already completed, by this link or an earlier click.</summary>
    AlreadyCompleted,
    /// <summary>This Delist action removed the listings.</summary>
    Delisted,
    /// <summary>This Delist action was confirmed but the listing policy sent it to a person for review.</summary>
    SentToReview,
}

public sealed record ListingSummary(string Network, ListingReason Reason, string Detail, DateTimeOffset ListedAt, DateTimeOffset? ExpiresAt)
{
    public static ListingSummary From(Listing listing) =>
        new(listing.Network, listing.Reason, listing.Detail, listing.ListedAt, listing.ExpiresAt);
}

/// <param name="ExceptedNetwork">What was (or, while ready to delist, would be) freed from ranges that stay listed.</param>
/// <param name="ExceptedFrom">Those ranges.</param>
public sealed record ConfirmationView(
    ConfirmationStatus Status,
    string? Reference = null,
    string? IpAddress = null,
    IReadOnlyList<ListingSummary>? Listings = null,
    DelistRequestState? State = null,
    DateTimeOffset? CompletedAt = null,
    string? DelistedNetworks = null,
    string? ExceptedNetwork = null,
    string? ExceptedFrom = null);
