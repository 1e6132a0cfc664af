namespace DelistPortal.Blocklist;

public enum ChangeOutcome
{
    Done,
    /// <summary>The draft or edit is not acceptable; see the error.</summary>
    Invalid,
    /// <summary>An active listing of the same network exists already.</summary>
    AlreadyListed,
    NotFound,
    /// <summary>The listing has already ended (delisted or expired).</summary>
    NotActive,
    /// <summary>Someone else changed the listing since it was read: reload, then decide again.</summary>
    Conflict,
}

public enum ListingDraftError
{
    None,
    DetailMissing,
    DetailTooLong,
    UnknownReason,
    ExpiryInThePast,
    HeloNameTooLong,
    NegativeSampleCount,
}

public sealed record ChangeResult(ChangeOutcome Outcome, Listing? Listing = null, ListingDraftError Error = ListingDraftError.None)
{
    public bool Succeeded => Outcome == ChangeOutcome.Done;
}

public sealed record ExceptionChangeResult(ChangeOutcome Outcome, ListingException? Exception = null)
{
    public bool Succeeded => Outcome == ChangeOutcome.Done;
}

/// <summary>A range's exception as the admin grid shows it: with the reference of the request that made it.</summary>
public sealed record ExceptionView(ListingException Exception, string? RequestReference, bool IsActive);
