using DelistPortal.Blocklist;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DelistPortal.Tests.Blocklist;

public sealed class ListingExpiryWorkerTests : IDisposable
{
    private readonly DelistingHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task TheWorkerRecordsExpiriesOnEachTick()
    {
        var draft = new ListingDraft(IpNetworkInput.Parse("203.0.113.7").Network!.Value, ListingReason.Spam, "seen", ListingSource.Api)
        {
            ExpiresAt = DelistingHarness.Start.AddMinutes(1),
        };
        await _harness.Blocklist.ListAsync(draft, Actor.ApiKey("sensor"), null);
        var services = new ServiceCollection().AddSingleton(_harness.Blocklist).BuildServiceProvider();
        var options = Options.Create(new BlocklistOptions { ExpiryCheckInterval = TimeSpan.FromSeconds(30) });
        using var worker = new ListingExpiryWorker(services.GetRequiredService<IServiceScopeFactory>(), options, _harness.Clock,
            NullLogger<ListingExpiryWorker>.Instance);

        await worker.StartAsync(CancellationToken.None);
        // Past the expiry, and a tick of the timer after it.
        _harness.Clock.Advance(TimeSpan.FromSeconds(60));
        _harness.Clock.Advance(TimeSpan.FromSeconds(30));

        await using var db = _harness.Database.CreateDbContext();
        await WaitUntilAsync(async () => await db.ListingEvents.AnyAsync(e => e.Kind == ListingEventKind.Expired));
        await worker.StopAsync(CancellationToken.None);
        Assert.Equal(ListingStatus.Expired, (await db.Listings.SingleAsync()).Status);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(25);
        }
        Assert.Fail("The worker did not record the expiry.");
    }
}
