using Microsoft.Extensions.Options;

namespace DelistPortal.Blocklist;

/// <summary>Writes "expired" into the history of listings whose time is up, every <see cref="BlocklistOptions.ExpiryCheckInterval"/>.</summary>
public sealed class ListingExpiryWorker(
    IServiceScopeFactory scopes,
    IOptions<BlocklistOptions> options,
    TimeProvider time,
    ILogger<ListingExpiryWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ExpiryCheckInterval, time);
        do
        {
            try
            {
                using var scope = scopes.CreateScope();
                var recorded = await scope.ServiceProvider.GetRequiredService<BlocklistService>().RecordExpiriesAsync(stoppingToken);
                if (recorded > 0)
                {
                    logger.LogInformation("Recorded {Count} expired listing(s)", recorded);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The next tick tries again; a stopped worker would leave expiries unrecorded for good.
                logger.LogError(ex, "Recording expired listings failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
