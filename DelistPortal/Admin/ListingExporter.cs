using System.Globalization;
using System.Net.Sockets;
using System.Security.Claims;
using System.Text;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using DelistPortal.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DelistPortal.Admin;

public enum RbldnsdFormat
{
    /// <summary>IPv4 listings in rbldnsd's ip4set format.</summary>
    Ip4Set,
    /// <summary>IPv6 listings in rbldnsd's ip6trie format.</summary>
    Ip6Trie,
}

/// <summary>Downloads: a grid view as CSV (the import's columns plus the read-only ones), and active listings as rbldnsd zone data.</summary>
public sealed class ListingExporter(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, IOptions<PortalOptions> portal)
{
    public static readonly string[] CsvColumns =
        ["network", "reason", "detail", "expires", "self_service", "helo", "samples", "status", "source", "listed_at", "times_listed_before", "ended_at"];

    public async Task WriteCsvAsync(ClaimsPrincipal caller, ListingFilter filter, Stream output, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync(string.Join(",", CsvColumns));
        await foreach (var l in filter.Apply(db.Listings.AsNoTracking()).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            await writer.WriteLineAsync(CsvField.Line(
            [
                l.Network, l.Reason.ToString(), l.Detail, l.ExpiresAt is { } expires ? Iso(expires) : "never",
                l.SelfServiceAllowed ? "true" : "false", l.Evidence.HeloName, l.Evidence.SampleCount?.ToString(CultureInfo.InvariantCulture),
                l.Status.ToString(), l.Source.ToString(), Iso(l.ListedAt), l.TimesListedBefore.ToString(CultureInfo.InvariantCulture),
                l.EndedAt is { } ended ? Iso(ended) : null,
            ]));
        }
    }

    /// <summary>
    /// Active listings of one address family as rbldnsd data: a comment header, a default answer line
    /// (<c>:127.0.0.2:text</c>), then one <c>network :127.0.0.N:text</c> line per listing; <c>$</c> in the text is
    /// the queried address (rbldnsd substitutes it). The return code says the reason (see <see cref="ReturnCode"/>).
    /// </summary>
    public async Task WriteRbldnsdAsync(ClaimsPrincipal caller, RbldnsdFormat format, Stream output, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        var now = time.GetUtcNow();
        var delistUrl = new Uri(portal.Value.PublicBaseUri, "?ip=$").AbsoluteUri.Replace("%24", "$", StringComparison.Ordinal);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
        await writer.WriteLineAsync($"# DelistPortal blocklist, {format.ToString().ToLowerInvariant()} data for rbldnsd, written {Iso(now)}");
        await writer.WriteLineAsync($"# Use as: zone:{format.ToString().ToLowerInvariant()}:this-file");
        await writer.WriteLineAsync($":127.0.0.2:Listed; to request removal visit {delistUrl}");
        var ipv4Prefix = "00000000000000000000ffff";
        var listings = db.Listings.AsNoTracking()
            .Where(l => l.Status == ListingStatus.Active && (l.ExpiresAt == null || l.ExpiresAt > now))
            .OrderBy(l => l.RangeStart).ThenBy(l => l.RangeEnd)
            .Select(l => new { l.Network, l.RangeStart, l.Reason });
        await foreach (var l in listings.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var isIpv4 = l.RangeStart.StartsWith(ipv4Prefix, StringComparison.Ordinal) && !l.Network.Contains(':');
            if (isIpv4 != (format == RbldnsdFormat.Ip4Set))
            {
                continue;
            }
            await writer.WriteLineAsync($"{l.Network} :{ReturnCode(l.Reason)}:{l.Reason}; to request removal visit {delistUrl}");
        }
    }

    /// <summary>The A record a DNSBL query gets back, by reason: 127.0.0.2 spam ... 127.0.0.8 manual.</summary>
    public static string ReturnCode(ListingReason reason) => $"127.0.0.{2 + (int)reason}";

    private static string Iso(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
