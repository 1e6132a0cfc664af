using System.Text;
using DelistPortal.Data;
using DelistPortal.Portal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DelistPortal.Dnsbl;

public enum RbldnsdFormat
{
    /// <summary>IPv4 listings in rbldnsd's ip4set format.</summary>
    Ip4Set,
    /// <summary>IPv6 listings in rbldnsd's ip6trie format.</summary>
    Ip6Trie,
}

/// <summary>
/// The one download of the active listings as rbldnsd data, for the admin area and the API alike: the same A codes
/// per reason and TXT template as the built-in DNSBL answers with (its zone is made from the same options).
/// </summary>
public sealed class RbldnsdZoneExport(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, IOptions<PortalOptions> portal,
    IOptions<DnsblOptions> dnsbl)
{
    /// <summary>The name a URL gives the format ("ip4set", "ip6trie"), as rbldnsd calls its datasets.</summary>
    public static bool TryParseFormat(string? name, out RbldnsdFormat format)
    {
        (var known, format) = name switch
        {
            "ip4set" => (true, RbldnsdFormat.Ip4Set),
            "ip6trie" => (true, RbldnsdFormat.Ip6Trie),
            _ => (false, default),
        };
        return known;
    }

    /// <summary>Active listings (and range exceptions, as exclusions) of one address family, as of now.</summary>
    public async Task WriteAsync(RbldnsdFormat format, Stream output, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var zone = DnsblZone.Create(dnsbl.Value, portal.Value.GetPublicBaseUri(), now);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
        TextWriter ipv4 = format == RbldnsdFormat.Ip4Set ? writer : TextWriter.Null;
        TextWriter ipv6 = format == RbldnsdFormat.Ip4Set ? TextWriter.Null : writer;
        await new RbldnsdZoneWriter(zone).WriteActiveAsync(db, now, ipv4, ipv6, cancellationToken);
    }
}
