using DelistPortal.Blocklist;
using DelistPortal.Delisting;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;

namespace DelistPortal.Tests.Security;

public sealed class ConcurrentWritersTests : IDisposable
{
    private readonly DelistingHarness _harness = new();

    public ConcurrentWritersTests() => _harness.ConfigureLimits = o =>
        o.PerClient = o.PerEmail = o.PerTarget = o.PerRange = new WindowLimit { Limit = 1000, Window = TimeSpan.FromHours(1) };

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task FiftyConcurrentWritersOnSqliteAllSucceed()
    {
        for (var i = 1; i <= 25; i++)
        {
            await _harness.ListAsync($"203.0.113.{i}");
        }

        var writers = Enumerable.Range(1, 50).Select(i => Task.Run(async () => i <= 25
            ? (await _harness.SubmitAsync($"postmaster{i}@sender.example", $"203.0.113.{i}", $"192.0.2.{i}")).Outcome.ToString()
            : (await _harness.Blocklist.ListAsync(
                new ListingDraft(IpNetworkInput.Parse($"198.51.100.{i}").Network!.Value, ListingReason.Spam, "sensor", ListingSource.Api),
                Actor.ApiKey("sensor"), null)).Outcome.ToString()));

        var outcomes = await Task.WhenAll(writers);

        Assert.Equal(25, outcomes.Count(o => o == nameof(SubmitOutcome.ConfirmationSent)));
        Assert.Equal(25, outcomes.Count(o => o == nameof(ChangeOutcome.Done)));
        Assert.Equal(25, (await _harness.SentMailAsync()).Count);
    }
}
