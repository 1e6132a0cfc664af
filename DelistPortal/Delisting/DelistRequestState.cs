namespace DelistPortal.Delisting;

/// <summary>
/// The life of a self-service request.
/// <code>
/// AwaitingConfirmation ──Delist click──▶ Delisted
///        │                    ├────────▶ NoLongerListed (the listing went away before the click)
///        │                    └────────▶ InReview (the listing policy refuses self-service)
///        └──link lifetime passes───────▶ Expired
/// InReview ──admin approves──▶ Delisted   InReview ──admin denies──▶ Denied
/// </code>
/// </summary>
public enum DelistRequestState
{
    AwaitingConfirmation,
    Delisted,
    NoLongerListed,
    Expired,
    /// <summary>Confirmed, but the listing policy wants an admin to decide.</summary>
    InReview,
    /// <summary>An admin refused the removal.</summary>
    Denied,
}
