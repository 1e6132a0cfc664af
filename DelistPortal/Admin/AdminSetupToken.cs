namespace DelistPortal.Admin;

/// <summary>
/// A first-admin setup link that a portal process logged at start-up: only the token's SHA-256 is stored, in the
/// database, so the link works on whichever process the operator's browser reaches.
/// </summary>
public sealed class AdminSetupToken
{
    public int Id { get; set; }

    /// <summary>SHA-256 of the token.</summary>
    public required byte[] TokenHash { get; set; }

    public required DateTimeOffset ExpiresAt { get; set; }
}
