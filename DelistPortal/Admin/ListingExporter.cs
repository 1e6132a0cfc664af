using System.Globalization;
using System.Security.Claims;
using System.Text;
using DelistPortal.Blocklist;
using DelistPortal.Dnsbl;
using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Admin;

/// <summary>Downloads: a grid view as CSV (the import's columns plus the read-only ones), and active listings as rbldnsd zone data.</summary>
public sealed class ListingExporter(IDbContextFactory<PortalDbContext> dbFactory, RbldnsdZoneExport zoneExport)
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

    /// <summary>Active listings (and range exceptions, as exclusions) of one address family as rbldnsd data: the API's export too.</summary>
    public async Task WriteRbldnsdAsync(ClaimsPrincipal caller, RbldnsdFormat format, Stream output, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        await zoneExport.WriteAsync(format, output, cancellationToken);
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
