namespace DelistPortal.Delisting;

/// <summary>
/// A proof of work that was used: its challenge is the key, so of two processes presenting the same solution only one
/// can insert it. Kept until the challenge expires (it would be refused as expired after that), then purged.
/// </summary>
public sealed class SpentProofOfWork
{
    /// <summary>A challenge is hex SHA-256: 64 characters.</summary>
    public const int ChallengeLength = 64;

    /// <summary>The challenge, hex SHA-256 of salt and number.</summary>
    public required string Challenge { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }
}
