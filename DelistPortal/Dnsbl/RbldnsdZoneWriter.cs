using System.Net.Sockets;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Dnsbl;

/// <summary>
/// Writes the active listings as rbldnsd data files, for DNS secondaries and for comparing with rbldnsd:
/// <c>ip4set</c> for IPv4 and <c>ip6trie</c> for IPv6, with the same A codes and TXT templates as the built-in
/// responder. The first lines set the defaults (<c>:127.0.0.2:text</c>, the Spam reason's); a listing with another
/// reason carries its own <c>:code:text</c>. The RFC 5782 test entries are included. Range exceptions are written as
/// rbldnsd exclusions (<c>!198.51.100.1</c>, <c>!2001:db8:bad::/64</c>): rbldnsd, like the built-in index, lets the
/// most specific entry decide, so the excepted address is not listed and the rest of the range is (docs/decisions/008).
/// </summary>
public sealed class RbldnsdZoneWriter(DnsblZone zone)
{
    public Task WriteAsync(IAsyncEnumerable<(IpNetwork Network, ListingReason Reason)> listings, TextWriter ipv4, TextWriter ipv6, CancellationToken cancellationToken = default) =>
        WriteAsync(listings, [], ipv4, ipv6, cancellationToken);

    /// <summary>The active listings and range exceptions of the database, as of <paramref name="now"/>.</summary>
    public async Task WriteActiveAsync(PortalDbContext db, DateTimeOffset now, TextWriter ipv4, TextWriter ipv6, CancellationToken cancellationToken = default)
    {
        var exceptions = await ActiveExceptionsAsync(db, now, cancellationToken);
        await WriteAsync(ActiveListingsAsync(db, now, cancellationToken), exceptions, ipv4, ipv6, cancellationToken);
    }

    /// <summary>
    /// Writes the listings, then each exception as an exclusion — except one whose network is itself listed, since a
    /// listing beats an exception of the same network (rbldnsd would not say which of the two lines wins).
    /// </summary>
    public async Task WriteAsync(IAsyncEnumerable<(IpNetwork Network, ListingReason Reason)> listings, IReadOnlyCollection<IpNetwork> exceptions,
        TextWriter ipv4, TextWriter ipv6, CancellationToken cancellationToken = default)
    {
        var exclusions = exceptions.ToHashSet();
        await WriteHeaderAsync(ipv4, soa: true);
        await WriteHeaderAsync(ipv6, soa: false);
        await ipv4.WriteLineAsync("127.0.0.2");
        await ipv4.WriteLineAsync("!127.0.0.1");
        await ipv6.WriteLineAsync("::ffff:127.0.0.2");
        await foreach (var (network, reason) in listings.WithCancellation(cancellationToken))
        {
            var target = network.Address.AddressFamily == AddressFamily.InterNetwork ? ipv4 : ipv6;
            await target.WriteLineAsync(Line(network, reason));
            exclusions.Remove(network);
        }
        foreach (var network in exclusions.OrderBy(n => n.StartKey, StringComparer.Ordinal))
        {
            var target = network.Address.AddressFamily == AddressFamily.InterNetwork ? ipv4 : ipv6;
            await target.WriteLineAsync($"!{network}");
        }
    }

    /// <summary>The networks of the active range exceptions (whose range has not expired), each once.</summary>
    public static async Task<IReadOnlyCollection<IpNetwork>> ActiveExceptionsAsync(PortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var networks = await db.ListingExceptions.AsNoTracking()
            .Where(e => e.Status == ListingExceptionStatus.Active && (e.ExpiresAt == null || e.ExpiresAt > now))
            .Select(e => e.Network)
            .Distinct()
            .ToListAsync(cancellationToken);
        return networks.Select(IpNetwork.Parse).ToHashSet();
    }

    /// <summary>The active listings from the database, streamed.</summary>
    public static async IAsyncEnumerable<(IpNetwork Network, ListingReason Reason)> ActiveListingsAsync(
        PortalDbContext db, DateTimeOffset now, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var rows = db.Listings.AsNoTracking()
            .Where(l => l.Status == ListingStatus.Active && (l.ExpiresAt == null || l.ExpiresAt > now))
            .OrderBy(l => l.RangeStart)
            .Select(l => new { l.Network, l.Reason })
            .AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            yield return (IpNetwork.Parse(row.Network), row.Reason);
        }
    }

    public string Line(IpNetwork network, ListingReason reason)
    {
        var text = network.ToString();
        return reason == ListingReason.Spam ? text : $"{text} :{zone.CodeFor(reason)}:{zone.TemplateFor(reason)}";
    }

    private async Task WriteHeaderAsync(TextWriter writer, bool soa)
    {
        await writer.WriteLineAsync($"# {zone.Name}: exported by DelistPortal. Serve with: rbldnsd -b ADDRESS/PORT {zone.Name}:ip4set:FILE,ip6trie:FILE");
        await writer.WriteLineAsync($"$TTL {zone.Ttl}");
        if (soa)
        {
            // rbldnsd takes the apex records from the first dataset that has them.
            await writer.WriteLineAsync($"$SOA {zone.Ttl} {zone.NameServerText}. {zone.HostMasterText}. 0 3600 600 604800 {zone.Ttl}");
            await writer.WriteLineAsync($"$NS {zone.Ttl} {zone.NameServerText}.");
        }
        await writer.WriteLineAsync($":{zone.CodeFor(ListingReason.Spam)}:{zone.TemplateFor(ListingReason.Spam)}");
    }
}
