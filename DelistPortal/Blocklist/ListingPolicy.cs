using System.Net;
using System.Net.Sockets;
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

    /// <summary>The prefix of the exception a delist of an address of this family adds to a range (and the widest listing it removes).</summary>
    public int ExceptionPrefixFor(AddressFamily family) =>
        family == AddressFamily.InterNetwork ? Options.ExceptionPrefixIPv4 : Options.ExceptionPrefixIPv6;

    /// <summary>What a delist of <paramref name="address"/> frees at most: the address (IPv4 /32) or its IPv6 /64, by default.</summary>
    public IpNetwork ExceptionNetworkFor(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        return IpNetwork.Containing(address, ExceptionPrefixFor(address.AddressFamily));
    }

    /// <summary>
    /// Whether a delist must leave <paramref name="listing"/> in place and except the address from it: it is wider than
    /// <see cref="BlocklistOptions.ExceptionPrefixIPv4"/> / <see cref="BlocklistOptions.ExceptionPrefixIPv6"/>.
    /// </summary>
    public bool IsRange(Listing listing) => listing.PrefixLength < ExceptionPrefixFor(listing.IpNetwork.Address.AddressFamily);

    /// <summary>
    /// What delisting <paramref name="address"/> does to the listings that list it: the narrow ones (the address
    /// itself, or inside its /64) end; every range stays listed and gets an exception of exactly
    /// <see cref="ExceptionNetworkFor"/>. No self-service path frees more than that network.
    /// </summary>
    public DelistPlan Plan(IPAddress address, IReadOnlyList<Listing> listings) => new(
        listings.Where(l => !IsRange(l)).ToList(),
        listings.Where(IsRange).ToList(),
        ExceptionNetworkFor(address));

    /// <summary>
    /// Why a sender may not free the address from <paramref name="listing"/> themselves, or null when they may. A
    /// range counts the exceptions senders added to it lately; another listing counts how often senders removed it.
    /// </summary>
    public SelfServiceRefusal? SelfServiceRefusal(Listing listing, int recentSelfServiceDelists, int recentSelfServiceExceptions = 0) =>
        !listing.SelfServiceAllowed ? Blocklist.SelfServiceRefusal.NotAllowedForListing
        : IsRange(listing) ? (recentSelfServiceExceptions >= Options.RangeExceptionLimit ? Blocklist.SelfServiceRefusal.RangeExceptionLimitReached : null)
        : recentSelfServiceDelists >= Options.SelfServiceLimit ? Blocklist.SelfServiceRefusal.LimitReached
        : null;
}

public enum SelfServiceRefusal
{
    /// <summary>An admin marked the listing as not removable by senders.</summary>
    NotAllowedForListing,
    /// <summary>The network was removed by self-service too often lately.</summary>
    LimitReached,
    /// <summary>Senders freed <see cref="BlocklistOptions.RangeExceptionLimit"/> addresses of this range lately.</summary>
    RangeExceptionLimitReached,
}

/// <summary>
/// What a delist of one address does (<see cref="ListingPolicy.Plan"/>): <see cref="Removed"/> listings end,
/// <see cref="Excepted"/> ranges each get an exception of <see cref="ExceptionNetwork"/>.
/// </summary>
public sealed record DelistPlan(IReadOnlyList<Listing> Removed, IReadOnlyList<Listing> Excepted, IpNetwork ExceptionNetwork)
{
    public bool IsEmpty => Removed.Count == 0 && Excepted.Count == 0;

    public IEnumerable<Listing> All => Removed.Concat(Excepted);

    /// <summary>The removed networks as senders read them ("203.0.113.7"), or null.</summary>
    public string? RemovedNetworks => Removed.Count == 0 ? null : string.Join(", ", Removed.Select(l => l.Network));

    /// <summary>The ranges that stay listed, or null.</summary>
    public string? ExceptedFrom => Excepted.Count == 0 ? null : string.Join(", ", Excepted.Select(l => l.Network));
}
