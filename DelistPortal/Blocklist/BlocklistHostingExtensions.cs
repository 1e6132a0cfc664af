using DelistPortal.Blocklist.Index;
using DelistPortal.ChangeLog;

namespace DelistPortal.Blocklist;

public static class BlocklistHostingExtensions
{
    /// <summary>The listing policy and service, and the in-memory index the change log keeps in step. The expiry worker runs in the worker role only (Hosting).</summary>
    public static IServiceCollection AddBlocklist(this IServiceCollection services)
    {
        services.AddOptions<BlocklistOptions>().BindConfiguration(BlocklistOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(provider => new BlocklistIndex(provider.GetRequiredService<TimeProvider>()));
        // Also by its own type: the worker's snapshot writer reads through it.
        services.AddSingleton<ListingIndexFollower>();
        services.AddSingleton<IChangeLogSubscriber>(provider => provider.GetRequiredService<ListingIndexFollower>());
        services.AddSingleton<IChangeLogSubscriber, ExceptionIndexFollower>();
        services.AddSingleton<ListingPolicy>();
        services.AddSingleton<BlocklistService>();
        return services;
    }
}
