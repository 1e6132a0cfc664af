using System.Net;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Admin;

public enum ListingSortColumn
{
    ListedAt,
    Network,
    Reason,
    Source,
    ExpiresAt,
    TimesListedBefore,
    Status,
}

/// <summary>
/// What the blocklist grid shows: a search, filters and a sort, applied in the database. The same filter drives the
/// grid page, the CSV export of "the current view" (as a query string) and the benchmark.
/// </summary>
public sealed record ListingFilter
{
    /// <summary>An address (finds the listings that contain it), a CIDR range (the listings that overlap it), or text in the detail.</summary>
    public string? Search { get; init; }

    public ListingStatus? Status { get; init; }

    public ListingReason? Reason { get; init; }

    public ListingSource? Source { get; init; }

    public ListingSortColumn SortBy { get; init; } = ListingSortColumn.ListedAt;

    public bool Descending { get; init; } = true;

    /// <summary>The filtered and sorted listings.</summary>
    public IQueryable<Listing> Apply(IQueryable<Listing> listings, PortalDbContext db) => Sort(Where(listings, db));

    /// <summary>The filtered listings, unsorted (for counting: a count needs no order).</summary>
    public IQueryable<Listing> Where(IQueryable<Listing> listings, PortalDbContext db)
    {
        var query = listings;
        if (Status is { } status)
        {
            query = query.Where(l => l.Status == status);
        }
        if (Reason is { } reason)
        {
            query = query.Where(l => l.Reason == reason);
        }
        if (Source is { } source)
        {
            query = query.Where(l => l.Source == source);
        }
        return ApplySearch(query, Search?.Trim(), db);
    }

    private static IQueryable<Listing> ApplySearch(IQueryable<Listing> query, string? search, PortalDbContext db)
    {
        if (string.IsNullOrEmpty(search))
        {
            return query;
        }
        if (AsNetwork(search) is { } network)
        {
            // Listings that share an address with the search: point lookups of the networks that can contain it, and
            // the index range of the networks inside it (ListingQueries.Overlapping).
            return query.Overlapping(network);
        }
        if (search.Length >= ListingSearch.MinLength && db.Database.IsSqlite())
        {
            // Through the trigram index: a million details are not scanned for each page.
            var phrase = ListingSearch.PhraseFor(search);
            var matches = db.Set<ListingSearchRow>().Where(r => r.Query == phrase).Select(r => r.RowId);
            return query.Where(l => matches.Contains(l.Id));
        }
        var pattern = "%" + search.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
        return query.Where(l => EF.Functions.Like(l.Network, pattern, "\\") || EF.Functions.Like(l.Detail, pattern, "\\"));
    }

    /// <summary>The search as an address or range, if it is one ("203.0.113.7", "198.51.100.0/24", host bits forgiven).</summary>
    public static IpNetwork? AsNetwork(string search)
    {
        var slash = search.IndexOf('/');
        if (!IPAddress.TryParse(slash < 0 ? search : search[..slash], out var address))
        {
            return null;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        var prefix = IpNetwork.MaxPrefixLength(address);
        if (slash >= 0 && (!int.TryParse(search[(slash + 1)..], out prefix) || prefix < 0 || prefix > IpNetwork.MaxPrefixLength(address)))
        {
            return null;
        }
        return IpNetwork.Containing(address, prefix);
    }

    private IQueryable<Listing> Sort(IQueryable<Listing> query)
    {
        var sorted = (SortBy, Descending) switch
        {
            // Start then end: the order of the (RangeStart, RangeEnd) index, so no sort step on a million rows.
            (ListingSortColumn.Network, false) => query.OrderBy(l => l.RangeStart).ThenBy(l => l.RangeEnd),
            (ListingSortColumn.Network, true) => query.OrderByDescending(l => l.RangeStart).ThenByDescending(l => l.RangeEnd),
            (ListingSortColumn.Reason, false) => query.OrderBy(l => l.Reason),
            (ListingSortColumn.Reason, true) => query.OrderByDescending(l => l.Reason),
            (ListingSortColumn.Source, false) => query.OrderBy(l => l.Source),
            (ListingSortColumn.Source, true) => query.OrderByDescending(l => l.Source),
            (ListingSortColumn.ExpiresAt, false) => query.OrderBy(l => l.ExpiresAt),
            (ListingSortColumn.ExpiresAt, true) => query.OrderByDescending(l => l.ExpiresAt),
            (ListingSortColumn.TimesListedBefore, false) => query.OrderBy(l => l.TimesListedBefore),
            (ListingSortColumn.TimesListedBefore, true) => query.OrderByDescending(l => l.TimesListedBefore),
            (ListingSortColumn.Status, false) => query.OrderBy(l => l.Status),
            (ListingSortColumn.Status, true) => query.OrderByDescending(l => l.Status),
            (_, false) => query.OrderBy(l => l.ListedAt),
            (_, true) => query.OrderByDescending(l => l.ListedAt),
        };
        // A stable order, so that paging never shows a row twice.
        return Descending ? sorted.ThenByDescending(l => l.Id) : sorted.ThenBy(l => l.Id);
    }

    /// <summary>The filter as a query string, for the export link of the current view.</summary>
    public string ToQueryString()
    {
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(Search))
        {
            parts.Add("search=" + Uri.EscapeDataString(Search.Trim()));
        }
        if (Status is { } status)
        {
            parts.Add($"status={status}");
        }
        if (Reason is { } reason)
        {
            parts.Add($"reason={reason}");
        }
        if (Source is { } source)
        {
            parts.Add($"source={source}");
        }
        parts.Add($"sort={SortBy}");
        parts.Add($"desc={(Descending ? "true" : "false")}");
        return string.Join("&", parts);
    }

    public static ListingFilter FromQuery(IQueryCollection query) => new()
    {
        Search = query["search"].FirstOrDefault() is { Length: <= 200 } search ? search : null,
        Status = Enum.TryParse<ListingStatus>(query["status"], out var status) && Enum.IsDefined(status) ? status : null,
        Reason = Enum.TryParse<ListingReason>(query["reason"], out var reason) && Enum.IsDefined(reason) ? reason : null,
        Source = Enum.TryParse<ListingSource>(query["source"], out var source) && Enum.IsDefined(source) ? source : null,
        SortBy = Enum.TryParse<ListingSortColumn>(query["sort"], out var sort) && Enum.IsDefined(sort) ? sort : ListingSortColumn.ListedAt,
        Descending = query["desc"] != "false",
    };
}
