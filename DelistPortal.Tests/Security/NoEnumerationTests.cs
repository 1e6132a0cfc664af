using DelistPortal.Delisting;
using DelistPortal.Tests.Support;

namespace DelistPortal.Tests.Security;

public sealed class NoEnumerationTests : IDisposable
{
    private readonly DelistingHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task SubmitAnswersAlikeForAnEmailThePortalKnowsAndOneItDoesNot()
    {
        await _harness.ListAsync("203.0.113.7");
        await _harness.ListAsync("203.0.113.8");
        await _harness.ListAsync("203.0.113.9");
        await _harness.SubmitAsync("known@sender.example", "203.0.113.7", "192.0.2.1");

        var known = await _harness.SubmitAsync("known@sender.example", "203.0.113.8", "192.0.2.2");
        var unknown = await _harness.SubmitAsync("unknown@sender.example", "203.0.113.9", "192.0.2.3");

        Assert.Equal(unknown.Outcome, known.Outcome);
        Assert.Equal(
            unknown with { IpAddress = null, Request = unknown.Request! with { Reference = "", Email = "", IpAddress = "" } },
            known with { IpAddress = null, Request = known.Request! with { Reference = "", Email = "", IpAddress = "" } });
    }
}
