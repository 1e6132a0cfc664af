namespace DelistPortal.Blocklist;

/// <summary>Where a listing came from.</summary>
public enum ListingSource
{
    /// <summary>Entered by an admin in the admin area.</summary>
    Admin,
    /// <summary>Loaded from a file (CSV import, demo data).</summary>
    Import,
    /// <summary>Posted by a sensor or feed through the API, with an API key.</summary>
    Api,
    /// <summary>Added by the portal's own rules.</summary>
    Automatic,
}
