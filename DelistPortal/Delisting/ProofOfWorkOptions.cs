using System.ComponentModel.DataAnnotations;

namespace DelistPortal.Delisting;

/// <summary>
/// The proof of work asked of the browser before a delist request is taken (<see cref="ProofOfWork"/>). The browser
/// hashes on average <see cref="MaxNumber"/>/2 times; a script pays the same in its own CPU for every request.
/// </summary>
public sealed class ProofOfWorkOptions
{
    public const string Section = "ProofOfWork";

    /// <summary>Off only where something else stops automated submissions: the service then asks for no solution.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The secret number is drawn from 0 to this, so a solve takes MaxNumber/2 SHA-256 hashes on average and MaxNumber
    /// at most (README: the measured solve time of the default).
    /// </summary>
    [Range(100, 100_000_000)]
    public int MaxNumber { get; set; } = 20_000;

    /// <summary>How long a challenge may be solved and used. The page asks for a new one by itself when it has aged.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan ChallengeLifetime { get; set; } = TimeSpan.FromMinutes(10);
}
