using DelistPortal.Blocklist;

namespace DelistPortal.Admin;

/// <summary>
/// A grid view as a query string and back, at the HTTP edge: the export link of the current view, and the export
/// endpoint that reads it. Unknown or oversized values fall back to the defaults.
/// </summary>
public static class ListingFilterQuery
{
    /// <summary>The filter as a query string, for the export link of the current view.</summary>
    public static string ToQueryString(this ListingFilter filter)
    {
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            parts.Add("search=" + Uri.EscapeDataString(filter.Search.Trim()));
        }
        if (filter.Status is { } status)
        {
            parts.Add($"status={status}");
        }
        if (filter.Reason is { } reason)
        {
            parts.Add($"reason={reason}");
        }
        if (filter.Source is { } source)
        {
            parts.Add($"source={source}");
        }
        parts.Add($"sort={filter.SortBy}");
        parts.Add($"desc={(filter.Descending ? "true" : "false")}");
        return string.Join("&", parts);
    }

    public static ListingFilter Parse(IQueryCollection query) => new()
    {
        Search = query["search"].FirstOrDefault() is { Length: <= 200 } search ? search : null,
        Status = Enum.TryParse<ListingStatus>(query["status"], out var status) && Enum.IsDefined(status) ? status : null,
        Reason = Enum.TryParse<ListingReason>(query["reason"], out var reason) && Enum.IsDefined(reason) ? reason : null,
        Source = Enum.TryParse<ListingSource>(query["source"], out var source) && Enum.IsDefined(source) ? source : null,
        SortBy = Enum.TryParse<ListingSortColumn>(query["sort"], out var sort) && Enum.IsDefined(sort) ? sort : ListingSortColumn.ListedAt,
        Descending = query["desc"] != "false",
    };
}
