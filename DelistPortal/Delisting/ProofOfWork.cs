using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DelistPortal.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DelistPortal.Delisting;

/// <summary>
/// A signed puzzle the browser solves before a delist request is taken, in the manner of ALTCHA: the challenge is
/// the hex SHA-256 of a salt and a secret number from 0 to <see cref="ProofOfWorkOptions.MaxNumber"/>; the browser
/// finds the number by trying them all (Web Crypto). The salt carries its expiry (<c>?expires=unix-seconds</c>), and
/// the challenge is signed with ASP.NET Core Data Protection, whose keys live in the database: a challenge issued by
/// one portal process verifies on every other. A used solution is recorded in the database, so it works once.
/// </summary>
public sealed class ProofOfWork(
    IDbContextFactory<PortalDbContext> dbFactory,
    IDataProtectionProvider dataProtection,
    TimeProvider time,
    IOptions<ProofOfWorkOptions> options,
    ILogger<ProofOfWork> logger)
{
    public const string Algorithm = "SHA-256";

    private const int SaltRandomBytes = 12;
    private const string ExpiresParameter = "?expires=";

    /// <summary>Expired spent solutions are purged this long after their expiry, to allow for clocks that differ between processes.</summary>
    private static readonly TimeSpan PurgeMargin = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromMinutes(1);

    // Authenticated encryption with HMAC-SHA256 under the shared Data Protection keys: a signature nobody without them can make.
    private readonly IDataProtector _signer = dataProtection.CreateProtector("DelistPortal.ProofOfWork.Challenge");
    private long _nextPurge;

    public bool Enabled => options.Value.Enabled;

    /// <summary>A new challenge, valid for <see cref="ProofOfWorkOptions.ChallengeLifetime"/>.</summary>
    public ProofOfWorkChallenge Issue()
    {
        var expiresAt = time.GetUtcNow() + options.Value.ChallengeLifetime;
        var salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SaltRandomBytes)) +
                   ExpiresParameter + expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var number = RandomNumberGenerator.GetInt32(0, options.Value.MaxNumber + 1);
        var challenge = ChallengeOf(salt, number);
        return new ProofOfWorkChallenge(Algorithm, challenge, options.Value.MaxNumber, salt, Sign(challenge),
            DateTimeOffset.FromUnixTimeSeconds(expiresAt.ToUnixTimeSeconds()));
    }

    /// <summary>
    /// Checks a solution and, if it holds, records it as used, in one step: the signature (ours, not another portal's
    /// or made up), the number (it hashes to the challenge), the expiry, and that no process took it before. With the
    /// proof of work switched off every solution, or none, is accepted.
    /// </summary>
    public async Task<ProofOfWorkError> SpendAsync(ProofOfWorkSolution? solution, CancellationToken cancellationToken = default)
    {
        if (!Enabled)
        {
            return ProofOfWorkError.None;
        }
        var error = Check(solution, time.GetUtcNow(), out var expiresAt);
        if (error != ProofOfWorkError.None)
        {
            return error;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await PurgeExpiredAsync(db, cancellationToken);
        // The primary key lets one insert of a challenge through, whichever process tries. ON CONFLICT DO NOTHING rather
        // than a caught unique violation: a replay is routine, not a database error for the log. (ExpiresAt is stored
        // as Unix milliseconds, as UtcMillisecondsConverter does for the model.)
        var inserted = await db.Database.ExecuteSqlAsync(
            $"INSERT INTO \"SpentProofsOfWork\" (\"Challenge\", \"ExpiresAt\") VALUES ({solution!.Challenge}, {expiresAt.ToUnixTimeMilliseconds()}) ON CONFLICT (\"Challenge\") DO NOTHING",
            cancellationToken);
        return inserted == 1 ? ProofOfWorkError.None : ProofOfWorkError.Replayed;
    }

    private ProofOfWorkError Check(ProofOfWorkSolution? solution, DateTimeOffset now, out DateTimeOffset expiresAt)
    {
        expiresAt = default;
        if (solution is null || string.IsNullOrEmpty(solution.Challenge) || string.IsNullOrEmpty(solution.Salt) ||
            string.IsNullOrEmpty(solution.Signature))
        {
            return ProofOfWorkError.Missing;
        }
        if (solution.Challenge.Length != SpentProofOfWork.ChallengeLength || !IsSignatureOf(solution.Signature, solution.Challenge))
        {
            return ProofOfWorkError.ForeignSignature;
        }
        // The signature covers the challenge, and the challenge the salt (with its expiry) and the number.
        if (solution.Salt.Length > 200 || solution.Number < 0 ||
            !CryptographicOperations.FixedTimeEquals(
                Encoding.ASCII.GetBytes(ChallengeOf(solution.Salt, solution.Number)), Encoding.ASCII.GetBytes(solution.Challenge)))
        {
            return ProofOfWorkError.WrongNumber;
        }
        if (ExpiryOf(solution.Salt) is not { } expiry || expiry <= now)
        {
            return ProofOfWorkError.Expired;
        }
        expiresAt = expiry;
        return ProofOfWorkError.None;
    }

    /// <summary>Hex SHA-256 of the salt followed by the number in decimal, as the browser computes it.</summary>
    internal static string ChallengeOf(string salt, int number) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(salt + number.ToString(CultureInfo.InvariantCulture))));

    private string Sign(string challenge) => Base64Url.EncodeToString(_signer.Protect(Encoding.ASCII.GetBytes(challenge)));

    private bool IsSignatureOf(string signature, string challenge)
    {
        if (signature.Length > 1000)
        {
            return false;
        }
        try
        {
            var signed = _signer.Unprotect(Base64Url.DecodeFromChars(signature));
            return CryptographicOperations.FixedTimeEquals(signed, Encoding.ASCII.GetBytes(challenge));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return false;
        }
    }

    private static DateTimeOffset? ExpiryOf(string salt)
    {
        var at = salt.IndexOf(ExpiresParameter, StringComparison.Ordinal);
        return at >= 0 && long.TryParse(salt.AsSpan(at + ExpiresParameter.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) &&
               seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
    }

    /// <summary>Drops used solutions whose challenge has expired (at most once a minute per process).</summary>
    private async Task PurgeExpiredAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var next = Interlocked.Read(ref _nextPurge);
        if (now.UtcTicks < next || Interlocked.CompareExchange(ref _nextPurge, (now + PurgeInterval).UtcTicks, next) != next)
        {
            return;
        }
        var before = now - PurgeMargin;
        var purged = await db.SpentProofsOfWork.Where(p => p.ExpiresAt < before).ExecuteDeleteAsync(cancellationToken);
        if (purged > 0)
        {
            logger.LogDebug("Purged {Count} expired proof-of-work solution(s)", purged);
        }
    }
}

/// <summary>What the browser is given to solve. <see cref="ExpiresAt"/> is the expiry the salt carries.</summary>
public sealed record ProofOfWorkChallenge(string Algorithm, string Challenge, int MaxNumber, string Salt, string Signature, DateTimeOffset ExpiresAt)
{
    /// <summary>The challenge with the number the browser found.</summary>
    public ProofOfWorkSolution SolvedWith(int number) => new(Challenge, Salt, number, Signature);
}

/// <summary>A solved challenge, as the service checks it: ALTCHA's payload without the algorithm (always SHA-256).</summary>
public sealed record ProofOfWorkSolution(string Challenge, string Salt, int Number, string Signature);

/// <summary>Why a proof of work was refused.</summary>
public enum ProofOfWorkError
{
    None,
    /// <summary>No solution came with the request (a script that did not solve, a browser that could not).</summary>
    Missing,
    /// <summary>The challenge was not signed by this portal (made up, altered, or another portal's).</summary>
    ForeignSignature,
    /// <summary>The number does not hash to the challenge.</summary>
    WrongNumber,
    Expired,
    /// <summary>The solution was used before, by this process or another.</summary>
    Replayed,
}
