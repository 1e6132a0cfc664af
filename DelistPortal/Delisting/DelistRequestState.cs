namespace DelistPortal.Delisting;

/// <summary>
/// The life of a self-service request. Only <see cref="AwaitingConfirmation"/> moves; every other state is final.
/// <code>
/// AwaitingConfirmation ──Delist click──▶ Delisted
///        │                    └────────▶ NoLongerListed (the listing went away before the click)
///        └──link lifetime passes───────▶ Expired
/// </code>
/// </summary>
public enum DelistRequestState
{
    AwaitingConfirmation,
    Delisted,
    NoLongerListed,
    Expired,
    /// <summary>Handed to an operator to decide (being built on another branch).</summary>
    InReview,
    /// <summary>An operator refused the removal (being built on another branch).</summary>
    Denied,
}
