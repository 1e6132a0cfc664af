using Microsoft.Extensions.Options;

namespace DelistPortal.Blocklist;

/// <summary>The rules of <see cref="BlocklistOptions"/> as plain functions, so they are tested without a database.</summary>
public sealed class ListingPolicy(IOptions<BlocklistOptions> options)
{
    private BlocklistOptions Options => options.Value;

    public TimeSpan RelistWindow => Options.RelistWindow;

    public TimeSpan SelfServiceWindow => Options.SelfServiceWindow;

    /// <summary>fail2ban-style escalation: base × factor^n, capped, where n counts recent earlier listings.</summary>
    public TimeSpan LifetimeFor(int recentEarlierListings)
    {
        var ticks = Options.BaseLifetime.Ticks * Math.Pow(Options.EscalationFactor, Math.Max(0, recentEarlierListings));
        return ticks >= Options.MaxLifetime.Ticks ? Options.MaxLifetime : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Why a sender may not remove <paramref name="listing"/> themselves, or null when they may.</summary>
    public SelfServiceRefusal? SelfServiceRefusal(Listing listing, int recentSelfServiceDelists) =>
        !listing.SelfServiceAllowed ? Blocklist.SelfServiceRefusal.NotAllowedForListing
        : recentSelfServiceDelists >= Options.SelfServiceLimit ? Blocklist.SelfServiceRefusal.LimitReached
        : null;
}

public enum SelfServiceRefusal
{
    /// <summary>An admin marked the listing as not removable by senders.</summary>
    NotAllowedForListing,
    /// <summary>The network was removed by self-service too often lately.</summary>
    LimitReached,
}
