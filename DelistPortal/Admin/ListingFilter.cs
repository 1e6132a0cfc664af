using DelistPortal.Blocklist;

namespace DelistPortal.Admin;

public enum ListingSortColumn
{
    ListedAt,
    Network,
    Reason,
    ExpiresAt,
    Status,
}

/// <summary>
/// What the blocklist grid shows: a search, filters and a sort, applied in the database (<see cref="ListingGridQuery"/>).
/// The same filter drives the grid page, the CSV export of "the current view" (as a query string) and the benchmark.
/// Source and "times listed" are shown but not sorted by: each sort costs an index per filter, written by every import.
/// </summary>
public sealed record ListingFilter
{
    /// <summary>
    /// An address (finds the listings that contain it), a CIDR range (the listings that overlap it), or text: in the
    /// detail, and, when it begins an address ("203.0.113"), the networks written with it (<see cref="AddressPrefix"/>).
    /// </summary>
    public string? Search { get; init; }

    public ListingStatus? Status { get; init; }

    public ListingReason? Reason { get; init; }

    public ListingSource? Source { get; init; }

    public ListingSortColumn SortBy { get; init; } = ListingSortColumn.ListedAt;

    public bool Descending { get; init; } = true;

    /// <summary>The search as an address or range, if it is one ("203.0.113.7", "198.51.100.0/24", host bits forgiven).</summary>
    public static IpNetwork? AsNetwork(string search)
    {
        var slash = search.IndexOf('/');
        // Written out in full ("203.0.113.7", "2001:db8::1"): "123" is text, not the address 0.0.0.123.
        if (IpAddressInput.ParseSyntax(slash < 0 ? search : search[..slash]) is not { } address)
        {
            return null;
        }
        var prefix = IpNetwork.MaxPrefixLength(address);
        if (slash >= 0 && (!int.TryParse(search[(slash + 1)..], out prefix) || prefix < 0 || prefix > IpNetwork.MaxPrefixLength(address)))
        {
            return null;
        }
        return IpNetwork.Containing(address, prefix);
    }
}
