using System.Globalization;
using System.Net.Sockets;
using System.Security.Claims;
using System.Text;
using DelistPortal.Blocklist;
using DelistPortal.Dnsbl;
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
public sealed class ListingExporter(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, IOptions<PortalOptions> portal,
    IOptions<DnsblOptions> dnsbl)
{
    public static readonly string[] CsvColumns =
        ["network", "reason", "detail", "expires", "self_service", "helo", "samples", "status", "source", "listed_at", "times_listed_before", "ended_at"];

    public async Task WriteCsvAsync(ClaimsPrincipal caller, ListingFilter filter, Stream output, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync(string.Join(",", CsvColumns));
        await foreach (var l in ViewAsync(filter, cancellationToken))
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
    /// Active listings (and range exceptions, as exclusions) of one address family as rbldnsd data, written by the same <see cref="RbldnsdZoneWriter"/> as
    /// the API's export: the same A codes per reason and TXT template as the built-in DNSBL answers with.
    /// </summary>
    public async Task WriteRbldnsdAsync(ClaimsPrincipal caller, RbldnsdFormat format, Stream output, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        var now = time.GetUtcNow();
        var zone = DnsblZone.Create(dnsbl.Value, portal.Value.GetPublicBaseUri(), now);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
        TextWriter ipv4 = format == RbldnsdFormat.Ip4Set ? writer : TextWriter.Null;
        TextWriter ipv6 = format == RbldnsdFormat.Ip4Set ? TextWriter.Null : writer;
        await new RbldnsdZoneWriter(zone).WriteActiveAsync(db, now, ipv4, ipv6, cancellationToken);
    }

    /// <summary>Every row of a grid view in its order, read a page at a time the way the grid reads them.</summary>
    private async IAsyncEnumerable<Listing> ViewAsync(ListingFilter filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListingPageRequest(filter, ExportPageSize);
        while (true)
        {
            var page = await ListingAdminService.ReadPageAsync(dbFactory, request, cancellationToken);
            foreach (var listing in page.Items)
            {
                yield return listing;
            }
            if (!page.MoreBeyond || page.Items.Count == 0)
            {
                yield break;
            }
            request = request with { At = PageAt.Next, From = page.Items[^1] };
        }
    }

    private const int ExportPageSize = 500;

    private static string Iso(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
