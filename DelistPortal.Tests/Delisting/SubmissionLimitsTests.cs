using DelistPortal.Data;
using DelistPortal.Delisting;
using DelistPortal.Tests.Support;

namespace DelistPortal.Tests.Delisting;

public class SubmissionLimitsTests : IDisposable
{
    private readonly DelistingHarness _harness;

    public SubmissionLimitsTests()
        : this(DatabaseProvider.Sqlite)
    {
    }

    protected SubmissionLimitsTests(DatabaseProvider provider)
    {
        _harness = new(provider);
        _harness.ConfigureLimits = o =>
        {
            o.PerClient = new WindowLimit { Limit = 3, Window = TimeSpan.FromHours(1) };
            o.PerEmail = new WindowLimit { Limit = 2, Window = TimeSpan.FromHours(1) };
            o.PerTarget = new WindowLimit { Limit = 2, Window = TimeSpan.FromHours(1) };
            o.PerRange = new WindowLimit { Limit = 3, Window = TimeSpan.FromHours(1) };
        };
    }

    public void Dispose()
    {
        _harness.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task ListAsync(params string[] addresses)
    {
        foreach (var address in addresses)
        {
            await _harness.ListAsync(address);
        }
    }

    [Theory]
    [InlineData("192.0.2.10", "::ffff:192.0.2.10")]
    [InlineData("2001:db8:1:2::10", "2001:db8:1:2:ffff::99")]
    public async Task AClientIsLimitedAcrossItsAddressFormsAndItsIPv6Slash64(string first, string sameClient)
    {
        await ListAsync("203.0.113.1", "198.51.100.1", "192.0.2.1", "203.0.113.77");
        Assert.Equal(SubmitOutcome.ConfirmationSent, (await _harness.SubmitAsync("a@one.example", "203.0.113.1", first)).Outcome);
        Assert.Equal(SubmitOutcome.ConfirmationSent, (await _harness.SubmitAsync("b@two.example", "198.51.100.1", sameClient)).Outcome);
        Assert.Equal(SubmitOutcome.ConfirmationSent, (await _harness.SubmitAsync("c@three.example", "192.0.2.1", first)).Outcome);

        var refused = await _harness.SubmitAsync("d@four.example", "203.0.113.77", sameClient);

        Assert.Equal(SubmitOutcome.TooManyRequests, refused.Outcome);
        Assert.Equal(DelistingHarness.Start.AddHours(1), refused.RetryAt);
        Assert.Equal(3, (await _harness.SentMailAsync()).Count);
    }

    [Fact]
    public async Task AnEmailAddressIsLimitedAndTheSenderLearnsWhenToTryAgain()
    {
        await ListAsync("203.0.113.1", "198.51.100.1", "192.0.2.1");
        await _harness.SubmitAsync("victim@example.com", "203.0.113.1", "192.0.2.101");
        _harness.Clock.Advance(TimeSpan.FromMinutes(10));
        await _harness.SubmitAsync("victim@example.com", "198.51.100.1", "192.0.2.102");

        var refused = await _harness.SubmitAsync("victim@example.com", "192.0.2.1", "192.0.2.103");
        _harness.Clock.Advance(TimeSpan.FromMinutes(50));
        var later = await _harness.SubmitAsync("victim@example.com", "192.0.2.1", "192.0.2.103");

        Assert.Equal(SubmitOutcome.TooManyRequests, refused.Outcome);
        Assert.Equal(DelistingHarness.Start.AddHours(1), refused.RetryAt);
        Assert.Equal(SubmitOutcome.ConfirmationSent, later.Outcome);
    }

    [Fact]
    public async Task ATargetAddressIsLimitedWhoeverAsks()
    {
        await ListAsync("203.0.113.1");
        await _harness.SubmitAsync("a@one.example", "203.0.113.1", "192.0.2.101");
        await _harness.SubmitAsync("b@two.example", "203.0.113.1", "192.0.2.102");

        var refused = await _harness.SubmitAsync("c@three.example", "203.0.113.1", "192.0.2.103");

        Assert.Equal(SubmitOutcome.TooManyRequests, refused.Outcome);
    }

    [Fact]
    public async Task ARangeIsLimitedAgainstBulkDelisting()
    {
        await ListAsync("198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4", "198.51.101.1");
        for (var i = 1; i <= 3; i++)
        {
            await _harness.SubmitAsync($"s{i}@spammer{i}.example", $"198.51.100.{i}", $"192.0.2.{100 + i}");
        }

        var sameRange = await _harness.SubmitAsync("s4@spammer4.example", "198.51.100.4", "192.0.2.104");
        var otherRange = await _harness.SubmitAsync("s5@spammer5.example", "198.51.101.1", "192.0.2.105");

        Assert.Equal(SubmitOutcome.TooManyRequests, sameRange.Outcome);
        Assert.Equal(SubmitOutcome.ConfirmationSent, otherRange.Outcome);
    }

    [Fact]
    public async Task ContinuingAnOpenRequestIsNotANewRequest()
    {
        await ListAsync("203.0.113.1");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(SubmitOutcome.ConfirmationSent,
                (await _harness.SubmitAsync("a@one.example", "203.0.113.1", "192.0.2.101")).Outcome);
        }
        Assert.Single(await _harness.SentMailAsync());
    }

    [Theory]
    [InlineData("192.0.2.7", "192.0.2.7")]
    [InlineData("::ffff:192.0.2.7", "192.0.2.7")]
    [InlineData("2001:db8:aa:bb:cc::1", "2001:db8:aa:bb::/64")]
    [InlineData("not an address", null)]
    [InlineData(null, null)]
    public void ClientsAreGroupedByAddressOrSlash64(string? client, string? group)
    {
        Assert.Equal(group, SubmissionLimits.ClientGroup(client));
    }
}

/// <summary>The same tests on the real PostgreSQL server.</summary>
public sealed class SubmissionLimitsOnPostgreSqlTests() : SubmissionLimitsTests(DatabaseProvider.PostgreSQL);
