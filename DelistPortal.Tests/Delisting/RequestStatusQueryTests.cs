using DelistPortal.Data;
using DelistPortal.Delisting;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Delisting;

public class RequestStatusQueryTests : IDisposable
{
    private readonly DelistingHarness _harness;

    public RequestStatusQueryTests()
        : this(DatabaseProvider.Sqlite)
    {
    }

    protected RequestStatusQueryTests(DatabaseProvider provider) => _harness = new(provider);

    public void Dispose()
    {
        _harness.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task<string> SubmitAsync(string ip = "203.0.113.7")
    {
        await _harness.ListAsync(ip);
        var result = await _harness.SubmitAsync("postmaster@sender.example", ip, "198.51.100.9");
        return result.Request!.Reference;
    }

    [Fact]
    public async Task AFreshRequestIsWaitingForConfirmationUntilItsLinkExpires()
    {
        var reference = await SubmitAsync();

        var status = await _harness.StatusQuery.FindAsync(reference);

        Assert.NotNull(status);
        Assert.Equal(DelistRequestState.AwaitingConfirmation, status.State);
        Assert.Equal("203.0.113.7", status.IpAddress);
        Assert.Equal(DelistingHarness.Start.AddMinutes(30), status.LinkExpiresAt);
    }

    [Fact]
    public async Task ARequestWhoseLinkRanOutReadsAsExpiredWithoutBeingChanged()
    {
        var reference = await SubmitAsync();
        _harness.Clock.Advance(TimeSpan.FromMinutes(31));

        var status = await _harness.StatusQuery.FindAsync(reference);

        Assert.Equal(DelistRequestState.Expired, status!.State);
        Assert.Null(status.LinkExpiresAt);
        await using var db = _harness.Database.CreateDbContext();
        Assert.Equal(DelistRequestState.AwaitingConfirmation, (await db.DelistRequests.SingleAsync()).State);
    }

    [Fact]
    public async Task ADelistedRequestShowsWhenAndWhatWasRemoved()
    {
        var reference = await SubmitAsync();
        var (_, token) = await _harness.LastLinkAsync();
        _harness.Clock.Advance(TimeSpan.FromMinutes(2));
        await _harness.Service.DelistAsync(reference, token, "198.51.100.9");

        var status = await _harness.StatusQuery.FindAsync(reference.ToLowerInvariant());

        Assert.Equal(DelistRequestState.Delisted, status!.State);
        Assert.Equal(DelistingHarness.Start.AddMinutes(2), status.CompletedAt);
        Assert.Equal("203.0.113.7", status.DelistedNetworks);
    }

    [Theory]
    [InlineData(DelistRequestState.InReview)]
    [InlineData(DelistRequestState.Denied)]
    public async Task StatesSetByOperatorsAreShownAsTheyAre(DelistRequestState state)
    {
        var reference = await SubmitAsync();
        await using (var db = _harness.Database.CreateDbContext())
        {
            (await db.DelistRequests.SingleAsync()).State = state;
            await db.SaveChangesAsync();
        }

        Assert.Equal(state, (await _harness.StatusQuery.FindAsync(reference))!.State);
    }

    [Fact]
    public void TheStatusCarriesNoEmailTokenOrClientAddress()
    {
        var properties = typeof(RequestStatus).GetProperties().Select(p => p.Name).ToList();

        Assert.DoesNotContain(properties, p => p.Contains("Email") || p.Contains("Token") || p.Contains("FromAddress"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("nonsense")]
    [InlineData("DL-0000-0000")]
    public async Task AnUnknownReferenceFindsNothing(string? reference)
    {
        await SubmitAsync();

        Assert.Null(await _harness.StatusQuery.FindAsync(reference));
    }

    [Fact]
    public async Task AReferenceTypedInLowerCaseWithoutDashesAndWithLettersForDigitsIsFound()
    {
        var reference = await SubmitAsync();
        var typed = reference.Replace("-", " ").Replace('0', 'o').Replace('1', 'l').ToLowerInvariant();

        var status = await _harness.StatusQuery.FindAsync(typed);

        Assert.Equal(reference, status?.Reference);
    }
}

/// <summary>The same tests on the real PostgreSQL server.</summary>
public sealed class RequestStatusQueryOnPostgreSqlTests() : RequestStatusQueryTests(DatabaseProvider.PostgreSQL);
