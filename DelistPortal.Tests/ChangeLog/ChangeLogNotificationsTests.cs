using System.Diagnostics;
using System.Net;
using DelistPortal.Blocklist.Index;
using DelistPortal.ChangeLog;
using DelistPortal.Data;
using DelistPortal.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DelistPortal.Tests.ChangeLog;

/// <summary>On PostgreSQL another process's commit wakes a follower through NOTIFY, long before its poll would.</summary>
public sealed class ChangeLogNotificationsTests : IDisposable
{
    private readonly DelistingHarness _harness = new(DatabaseProvider.PostgreSQL);

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task AnotherProcesssCommitWakesTheFollowerWithinASecondWhenItsPollIsAMinute()
    {
        var index = new BlocklistIndex(_harness.Clock);
        var follower = new ChangeLogFollower(_harness.Database,
            [new ListingIndexFollower(_harness.Database, index, _harness.Clock), new ExceptionIndexFollower(_harness.Database, index)],
            Options.Create(new ChangeLogOptions { PollInterval = TimeSpan.FromMinutes(1) }), NullLogger<ChangeLogFollower>.Instance);
        await follower.LoadAsync();
        using var notifications = new ChangeLogNotifications(_harness.Database, follower, NullLogger<ChangeLogNotifications>.Instance);
        await follower.StartAsync(CancellationToken.None);
        await notifications.StartAsync(CancellationToken.None);
        try
        {
            // The first may also arrive through the wake the listener gives once it listens; the second only by NOTIFY.
            foreach (var address in new[] { "203.0.113.80", "203.0.113.81" })
            {
                await _harness.ListAsync(address);
                var watch = Stopwatch.StartNew();
                while (!index.TryFindMostSpecific(IPAddress.Parse(address), out _))
                {
                    Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"{address} did not reach the other follower within 1 s");
                    await Task.Delay(5);
                }
            }
        }
        finally
        {
            await notifications.StopAsync(CancellationToken.None);
            await follower.StopAsync(CancellationToken.None);
            follower.Dispose();
        }
    }
}
