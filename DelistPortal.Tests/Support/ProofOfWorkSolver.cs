using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DelistPortal.Delisting;

namespace DelistPortal.Tests.Support;

/// <summary>
/// Solves a proof-of-work challenge the way the browser does (wwwroot/proof-of-work-worker.js): tries every number
/// from 0 until SHA-256(salt + number) is the challenge. A real solve, so tests go through the service's check.
/// </summary>
public static class ProofOfWorkSolver
{
    public static ProofOfWorkSolution Solve(ProofOfWorkChallenge challenge) =>
        challenge.SolvedWith(FindNumber(challenge) ?? throw new InvalidOperationException("The challenge has no solution up to its MaxNumber."));

    public static int? FindNumber(ProofOfWorkChallenge challenge)
    {
        var target = Convert.FromHexString(challenge.Challenge);
        var salt = Encoding.UTF8.GetBytes(challenge.Salt);
        var input = new byte[salt.Length + 11];
        salt.CopyTo(input, 0);
        Span<byte> hash = stackalloc byte[32];
        for (var number = 0; number <= challenge.MaxNumber; number++)
        {
            number.TryFormat(input.AsSpan(salt.Length), out var written, provider: CultureInfo.InvariantCulture);
            SHA256.HashData(input.AsSpan(0, salt.Length + written), hash);
            if (hash.SequenceEqual(target))
            {
                return number;
            }
        }
        return null;
    }

    /// <summary>Issues a challenge from the app's (or harness's) <see cref="ProofOfWork"/> and solves it.</summary>
    public static ProofOfWorkSolution IssueAndSolve(this IServiceProvider services) =>
        Solve(services.GetRequiredService<ProofOfWork>().Issue());

    /// <summary>Submits through the app's <see cref="DelistService"/> as the wizard does: with a solved proof of work.</summary>
    public static async Task<SubmitResult> SubmitSolvedAsync(this IServiceProvider services, string email, string ip, string? clientAddress)
    {
        using var scope = services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<DelistService>()
            .SubmitAsync(email, ip, clientAddress, scope.ServiceProvider.IssueAndSolve());
    }
}
