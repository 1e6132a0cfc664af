using DelistPortal.Data;
using DelistPortal.Delisting;
using DelistPortal.Tests.Support;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DelistPortal.Tests.Delisting;

/// <summary>
/// The service refuses a submission unless it carries a solution to a challenge this portal signed, solved, unexpired
/// and never used: whatever page or script calls it.
/// </summary>
public class ProofOfWorkTests : IAsyncLifetime
{
    private const string Email = "postmaster@sender.example";
    private const string Ip = "203.0.113.7";
    private readonly DelistingHarness _harness;

    public ProofOfWorkTests()
        : this(DatabaseProvider.Sqlite)
    {
    }

    protected ProofOfWorkTests(DatabaseProvider provider) => _harness = new(provider);

    public async Task InitializeAsync() => await _harness.ListAsync(Ip);

    public Task DisposeAsync()
    {
        _harness.Dispose();
        return Task.CompletedTask;
    }

    private Task<SubmitResult> SubmitAsync(ProofOfWorkSolution? proof, string email = Email, string ip = Ip) =>
        _harness.Service.SubmitAsync(email, ip, "198.51.100.1", proof);

    private ProofOfWorkSolution Solved() => ProofOfWorkSolver.Solve(_harness.ProofOfWork.Issue());

    private async Task AssertRefusedAsync(SubmitResult result, ProofOfWorkError error)
    {
        Assert.Equal((SubmitOutcome.ProofOfWorkRefused, error), (result.Outcome, result.ProofOfWorkError));
        Assert.Null(result.Request);
        await using var db = _harness.Database.CreateDbContext();
        Assert.Empty(await db.DelistRequests.ToListAsync());
        Assert.Empty(await _harness.SentMailAsync());
    }

    [Fact]
    public async Task ASolvedSignedFreshSolutionIsAcceptedAndRecordedAsUsed()
    {
        var proof = Solved();

        var result = await SubmitAsync(proof);

        Assert.Equal(SubmitOutcome.ConfirmationSent, result.Outcome);
        Assert.Single(await _harness.SentMailAsync());
        await using var db = _harness.Database.CreateDbContext();
        var spent = await db.SpentProofsOfWork.SingleAsync();
        Assert.Equal(proof.Challenge, spent.Challenge);
        Assert.Equal(DelistingHarness.Start.AddMinutes(10), spent.ExpiresAt);
    }

    [Fact]
    public async Task AMissingSolutionIsRefused()
    {
        await AssertRefusedAsync(await SubmitAsync(null), ProofOfWorkError.Missing);
        await AssertRefusedAsync(await SubmitAsync(Solved() with { Salt = "" }), ProofOfWorkError.Missing);
    }

    [Fact]
    public async Task AWrongNumberIsRefused()
    {
        var proof = Solved();

        var result = await SubmitAsync(proof with { Number = proof.Number == 0 ? 1 : proof.Number - 1 });

        await AssertRefusedAsync(result, ProofOfWorkError.WrongNumber);
    }

    [Fact]
    public async Task AnExpiredSolutionIsRefused()
    {
        var proof = Solved();
        _harness.Clock.Advance(TimeSpan.FromMinutes(10));

        await AssertRefusedAsync(await SubmitAsync(proof), ProofOfWorkError.Expired);
    }

    [Fact]
    public async Task ASolutionUsedBeforeIsRefusedEvenForAnotherRequest()
    {
        var proof = Solved();
        Assert.Equal(SubmitOutcome.NotListed, (await SubmitAsync(proof, ip: "203.0.113.8")).Outcome);

        await AssertRefusedAsync(await SubmitAsync(proof), ProofOfWorkError.Replayed);
    }

    [Fact]
    public async Task OfTwoConcurrentUsesOfOneSolutionExactlyOneIsAccepted()
    {
        var proof = Solved();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => _harness.ProofOfWork.SpendAsync(proof))));

        Assert.Single(outcomes, o => o == ProofOfWorkError.None);
        Assert.All(outcomes.Where(o => o != ProofOfWorkError.None), o => Assert.Equal(ProofOfWorkError.Replayed, o));
    }

    [Fact]
    public async Task AChallengeSignedByAnotherPortalIsRefused()
    {
        // Another portal: the same code and settings, its own Data Protection keys.
        var foreign = new ProofOfWork(_harness.Database, new EphemeralDataProtectionProvider(), _harness.Clock,
            Options.Create(new ProofOfWorkOptions()), NullLogger<ProofOfWork>.Instance);

        var result = await SubmitAsync(ProofOfWorkSolver.Solve(foreign.Issue()));

        await AssertRefusedAsync(result, ProofOfWorkError.ForeignSignature);
    }

    [Fact]
    public async Task AMadeUpOrAlteredChallengeIsRefused()
    {
        var proof = Solved();
        // A later expiry written into the salt makes another challenge, which this portal never signed.
        var longerSalt = proof.Salt[..proof.Salt.IndexOf('=')] + "=" + DelistingHarness.Start.AddDays(1).ToUnixTimeSeconds();
        var altered = ProofOfWorkSolver.Solve(new ProofOfWorkChallenge(
            ProofOfWork.Algorithm, ProofOfWork.ChallengeOf(longerSalt, 7), 100, longerSalt, proof.Signature, DelistingHarness.Start));

        await AssertRefusedAsync(await SubmitAsync(altered), ProofOfWorkError.ForeignSignature);
        await AssertRefusedAsync(await SubmitAsync(proof with { Signature = "bm90LWEtc2lnbmF0dXJl" }), ProofOfWorkError.ForeignSignature);
        await AssertRefusedAsync(await SubmitAsync(proof with { Signature = "%%%" }), ProofOfWorkError.ForeignSignature);
    }

    [Fact]
    public async Task WithTheSwitchOffNoSolutionIsAsked()
    {
        _harness.ConfigureProofOfWork = o => o.Enabled = false;

        var result = await SubmitAsync(null);

        Assert.Equal(SubmitOutcome.ConfirmationSent, result.Outcome);
    }

    [Fact]
    public async Task UsedSolutionsArePurgedSomeTimeAfterTheyExpire()
    {
        Assert.Equal(SubmitOutcome.ConfirmationSent, (await SubmitAsync(Solved())).Outcome);
        _harness.Clock.Advance(TimeSpan.FromMinutes(20));

        Assert.Equal(SubmitOutcome.NotListed, (await SubmitAsync(Solved(), ip: "203.0.113.8")).Outcome);

        await using var db = _harness.Database.CreateDbContext();
        var left = await db.SpentProofsOfWork.SingleAsync();
        Assert.Equal(DelistingHarness.Start.AddMinutes(30), left.ExpiresAt);
    }

    [Fact]
    public void AChallengeIsTheHexSha256OfTheSaltAndTheNumberWithTheExpiryInTheSalt()
    {
        var challenge = _harness.ProofOfWork.Issue();

        Assert.Equal(ProofOfWork.Algorithm, challenge.Algorithm);
        Assert.Equal(20_000, challenge.MaxNumber);
        Assert.Matches("^[0-9a-f]{24}\\?expires=" + DelistingHarness.Start.AddMinutes(10).ToUnixTimeSeconds() + "$", challenge.Salt);
        Assert.Matches("^[0-9a-f]{64}$", challenge.Challenge);
        var number = ProofOfWorkSolver.FindNumber(challenge);
        Assert.InRange(number!.Value, 0, challenge.MaxNumber);
        Assert.Equal(challenge.Challenge, ProofOfWork.ChallengeOf(challenge.Salt, number.Value));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(challenge.Salt + number))), challenge.Challenge);
    }
}

/// <summary>The same tests on the real PostgreSQL server.</summary>
public sealed class ProofOfWorkOnPostgreSqlTests() : ProofOfWorkTests(DatabaseProvider.PostgreSQL);
