using DelistPortal.Delisting;
using DelistPortal.Tests.Support;

namespace DelistPortal.Tests.Security;

/// <summary>Two portal processes on one database: what one issued, the other accepts, and only once between them.</summary>
public class ProofOfWorkAcrossProcessesTests
{
    [Fact]
    public async Task AChallengeIssuedByOneProcessIsAcceptedByAnotherAndUsedOnlyOnceBetweenThem()
    {
        await using var first = new PortalFactory();
        var proof = first.Services.IssueAndSolve();
        await using var second = new PortalFactory(settings: new Dictionary<string, string?> { ["Portal:DataDirectory"] = first.DataFolder });

        var onSecond = await second.Services.GetRequiredService<ProofOfWork>().SpendAsync(proof);
        var againOnFirst = await first.Services.GetRequiredService<ProofOfWork>().SpendAsync(proof);

        Assert.Equal(ProofOfWorkError.None, onSecond);
        Assert.Equal(ProofOfWorkError.Replayed, againOnFirst);
    }

    [Fact]
    public async Task AnotherPortalsChallengeIsRefused()
    {
        await using var mine = new PortalFactory();
        await using var other = new PortalFactory();

        var result = await mine.Services.GetRequiredService<ProofOfWork>().SpendAsync(other.Services.IssueAndSolve());

        Assert.Equal(ProofOfWorkError.ForeignSignature, result);
    }
}
