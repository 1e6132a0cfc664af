using System.Globalization;
using System.Text;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using Microsoft.Data.Sqlite;

namespace DelistPortal.Admin;

/// <param name="PageSize">Rows per page (1 to 500).</param>
public sealed record ListingPageRequest(ListingFilter Filter, int PageSize)
{
    public PageAt At { get; init; } = PageAt.First;

    /// <summary>For <see cref="PageAt.Next"/>, the last row of the page shown; for <see cref="PageAt.Previous"/>, its first row.</summary>
    public Listing? From { get; init; }

    /// <summary>For <see cref="PageAt.Last"/>: how many rows the last page holds (the total modulo the page size, or a full page).</summary>
    public int? LastPageRows { get; init; }

    /// <summary>Count the view's total too (when the filter changed), with the same text lookup as the page.</summary>
    public bool WithTotal { get; init; }
}

/// <param name="Items">The page's rows in the view's order.</param>
/// <param name="MoreBeyond">Whether rows follow the page in the direction read (after it for First and Next, before it for Previous and Last).</param>
/// <param name="Total">The view's total, when the request asked for it (<see cref="ListingPageRequest.WithTotal"/>).</param>
public sealed record ListingPage(IReadOnlyList<Listing> Items, bool MoreBeyond, GridTotal? Total = null);

/// <param name="Page">The rows from the jump's start on (<see cref="ListingPage.MoreBeyond"/>: more follow), with the view's total.</param>
/// <param name="View">The view jumped in: sorted by network, without a search.</param>
/// <param name="Start">The key the page starts at: the rows before it are counted apart.</param>
public sealed record ListingJump(ListingPage Page, ListingFilter View, string Start);

/// <summary>
/// The SQL of a grid page and of its total. Written out rather than left to LINQ so that each view of the grid reads a
/// page the way its index allows (issue 12: 1,000,000 listings):
/// <list type="bullet">
/// <item>Paging by key ("keyset"): a page after a row is <c>(sort key, Id) &gt; (that row's key, id)</c> in the index's
/// order, a seek and a walk of one page whatever the depth; the last page walks the index backwards. Offsets would walk
/// every row before the page.</item>
/// <item>Filters are literal equalities (enum names), so SQLite sees which partial index applies; with a search they
/// are written <c>+Status</c> so that the planner looks the search up instead of walking every row of the status.</item>
/// <item>Expiry sorts in two segments (with an expiry, then without: "never" comes last going up), each a plain
/// index range: a NULL has no place in a key comparison.</item>
/// <item>An address or range search is a handful of index seeks (ADR 009); text goes through the trigram index when it
/// is selective, and walks the sort's index when it is common (a page then needs a few rows per match).</item>
/// </list>
/// </summary>
internal static class ListingGridQuery
{
    /// <summary>Beyond this many matches a search's total is "more than".</summary>
    public const int SearchCountCap = 10_000;

    /// <summary>A text found in more listings than this is searched by walking the sort's index instead of listing its matches.</summary>
    public const int TextMatchCap = 10_000;

    /// <summary>A common text's total is counted up to this, walking the index.</summary>
    public const int CommonTextCountCap = 1_000;

    // ExpiresAt null ("never") sorts after every date going up.
    private sealed record Segment(string? Condition, string[] Keys);

    /// <summary>How a text search is answered: through the trigram index (few matches) or by walking (many).</summary>
    public enum TextMode
    {
        None,
        Indexed,
        Walk,

        /// <summary>
        /// PostgreSQL: the text is a condition that the planner answers from the trigram index or by walking the sort's
        /// index, as its statistics say; its matches are counted (up to <see cref="TextMatchCap"/> + 1) only for a total.
        /// </summary>
        Filter,
    }

    /// <summary>A view's text search, looked up once per request: for <see cref="TextMode.Indexed"/>, the matching ids (JSON).</summary>
    /// <param name="IndexPart">PostgreSQL only: the part of the text (a rare word, a narrow end or all of it) whose search key the trigram index is asked for, the whole text then filtering its rows; none for a common text, which the sort's index walks (see PostgreSqlTextLookup).</param>
    public sealed record TextSearch(TextMode Mode, string? Ids = null, int Matches = 0, string? IndexPart = null)
    {
        public static readonly TextSearch None = new(TextMode.None);

        public static readonly TextSearch Walk = new(TextMode.Walk);
    }

    public sealed record Sql(string Text, IReadOnlyList<SqliteParameter> Parameters);

    /// <summary>The query for each segment of the walk, in walk order; the caller reads them until the page is full.</summary>
    public static IReadOnlyList<Sql> Page(ListingPageRequest request, TextSearch text, int take)
    {
        var filter = request.Filter;
        var (ascending, fromRow) = Walk(request);
        var segments = Segments(filter.SortBy, ascending);
        var start = 0;
        if (fromRow is not null)
        {
            start = filter.SortBy == ListingSortColumn.ExpiresAt ? segments.FindIndex(s => InSegment(s, fromRow)) : 0;
        }
        var queries = new List<Sql>();
        for (var i = start; i < segments.Count; i++)
        {
            var parameters = new List<SqliteParameter>();
            var where = Conditions(filter, text, parameters);
            if (segments[i].Condition is { } condition)
            {
                where.Add(condition);
            }
            if (i == start && fromRow is not null)
            {
                where.Add(After(segments[i].Keys, fromRow, ascending, parameters));
            }
            var direction = ascending ? "ASC" : "DESC";
            var order = string.Join(", ", segments[i].Keys.Append("Id").Select(k => $"l.\"{k}\" {direction}"));
            parameters.Add(new SqliteParameter("$take", take));
            var indexedBy = text.Mode == TextMode.Indexed || Network(filter) is not null ? "" : $" INDEXED BY \"{IndexFor(filter)}\"";
            queries.Add(new Sql($"SELECT l.* FROM \"Listings\" AS l{indexedBy}{Where(where)} ORDER BY {order} LIMIT $take", parameters));
        }
        return queries;
    }

    /// <summary>The total of a view without a search: from the tallies the triggers keep.</summary>
    public static Sql? Tally(ListingFilter filter)
    {
        if (HasSearch(filter) || filter.Source is not null)
        {
            return null;
        }
        var where = new List<string>();
        if (filter.Status is { } status)
        {
            where.Add($"\"Status\" = '{status}'");
        }
        if (filter.Reason is { } reason)
        {
            where.Add($"\"Reason\" = '{reason}'");
        }
        return new Sql($"SELECT COALESCE(SUM(\"Count\"), 0) FROM \"ListingTallies\"{Where(where)}", []);
    }

    /// <summary>Counts the view's rows up to <paramref name="cap"/> + 1.</summary>
    public static Sql CappedCount(ListingFilter filter, TextSearch text, int cap)
    {
        var parameters = new List<SqliteParameter>();
        var where = Conditions(filter, text, parameters);
        parameters.Add(new SqliteParameter("$cap", cap + 1));
        return new Sql($"SELECT COUNT(*) FROM (SELECT 1 FROM \"Listings\" AS l{Where(where)} LIMIT $cap)", parameters);
    }

    /// <summary>The listings whose detail holds a text, from the trigram index, up to <see cref="TextMatchCap"/> + 1 of them.</summary>
    public static Sql TextMatches(string text) => PhraseMatches(text, TextMatchCap);

    /// <summary>Rows that the search by words checks for the whole text (<see cref="WordMatches"/>) at most.</summary>
    public const int WordMatchCap = 1_000;

    /// <summary>The listings that hold a word (as a phrase), up to <see cref="WordMatchCap"/> + 1 of them.</summary>
    public static Sql WordMatches(string word) => PhraseMatches(word, WordMatchCap);

    private static Sql PhraseMatches(string text, int cap) => new(
        "SELECT rowid FROM \"ListingSearch\" WHERE \"ListingSearch\" MATCH $phrase LIMIT $cap",
        [new SqliteParameter("$phrase", ListingSearch.PhraseFor(text)), new SqliteParameter("$cap", cap + 1)]);

    /// <summary>
    /// The listings whose network begins with a text that begins an address (<see cref="AddressPrefix"/>), up to
    /// <see cref="TextMatchCap"/> + 1 of them, from the index of network starts; null when the text begins none.
    /// </summary>
    public static Sql? AddressMatches(string text)
    {
        var parameters = new List<SqliteParameter>();
        return StartsAddress(text, parameters) is { } starts
            ? new Sql($"SELECT l.\"Id\" FROM \"Listings\" AS l WHERE {starts} LIMIT $cap", [.. parameters, new SqliteParameter("$cap", TextMatchCap + 1)])
            : null;
    }

    /// <summary>The condition for listings whose network begins with <paramref name="text"/>, if it begins an address.</summary>
    private static string? StartsAddress(string text, List<SqliteParameter> parameters)
    {
        if (AddressPrefix.KeyRangesOf(text) is not { } ranges)
        {
            return null;
        }
        var conditions = new List<string>(ranges.Count);
        foreach (var (from, to) in ranges)
        {
            var i = conditions.Count.ToString(CultureInfo.InvariantCulture);
            parameters.Add(new SqliteParameter("$startsFrom" + i, from));
            parameters.Add(new SqliteParameter("$startsTo" + i, to));
            conditions.Add($"l.\"RangeStart\" BETWEEN $startsFrom{i} AND $startsTo{i}");
        }
        return "(" + string.Join(" OR ", conditions) + ")";
    }

    public static bool HasSearch(ListingFilter filter) => !string.IsNullOrWhiteSpace(filter.Search);

    /// <summary>The text of a text search (not an address or range), if the filter has one.</summary>
    public static string? TextOf(ListingFilter filter) =>
        filter.Search?.Trim() is { Length: > 0 } search && ListingFilter.AsNetwork(search) is null ? search : null;

    private static (bool Ascending, Listing? From) Walk(ListingPageRequest request) => request.At switch
    {
        PageAt.Next => (!request.Filter.Descending, request.From),
        PageAt.Previous => (request.Filter.Descending, request.From),
        PageAt.Last => (request.Filter.Descending, null),
        _ => (!request.Filter.Descending, null),
    };

    /// <summary>
    /// The index whose order is the page's order once the filter's equalities are fixed (see ListingConfiguration). Named
    /// in the query: without statistics SQLite's planner guesses, and it guessed "every active listing, then sort" for
    /// active listings by network. An active filter without a dedicated index walks one shared with the other statuses and
    /// skips the rest (most listings are active); the ended statuses have partial indexes of their own.
    /// </summary>
    internal static string IndexFor(ListingFilter filter)
    {
        var status = filter.Status switch
        {
            null => "",
            ListingStatus.Active => "Active",
            _ => "Ended",
        };
        var reason = filter.Reason is null ? "" : "Reason";
        return (filter.SortBy, status, reason) switch
        {
            (ListingSortColumn.Network, "", "") => "IX_Listings_RangeStart_RangeEnd",
            (ListingSortColumn.Network, "Active", "") => "IX_Listings_ActiveNetwork",
            (ListingSortColumn.Network, "Ended", "") => "IX_Listings_EndedNetwork",
            (ListingSortColumn.Network, "Ended", _) => "IX_Listings_EndedReasonNetwork",
            (ListingSortColumn.Network, _, _) => "IX_Listings_Reason_RangeStart_RangeEnd",
            (ListingSortColumn.ExpiresAt, "", "") => "IX_Listings_ExpiresAt",
            (ListingSortColumn.ExpiresAt, "", _) => "IX_Listings_Reason_ExpiresAt",
            (ListingSortColumn.ExpiresAt, _, "") => "IX_Listings_Status_ExpiresAt",
            (ListingSortColumn.ExpiresAt, _, _) => "IX_Listings_Status_Reason_ExpiresAt",
            (ListingSortColumn.Status, "", "Reason") => "IX_Listings_Reason_Status_ListedAt",
            (ListingSortColumn.Reason or ListingSortColumn.Status, _, _) when status != "" && reason != "" => "IX_Listings_Status_Reason_ListedAt",
            (ListingSortColumn.Reason, "", _) => "IX_Listings_Reason_ListedAt",
            (ListingSortColumn.Reason, _, _) => "IX_Listings_Status_Reason_ListedAt",
            (ListingSortColumn.Status, _, _) => "IX_Listings_Status_ListedAt",
            (_, "", "") => "IX_Listings_ListedAt",
            (_, "", _) => "IX_Listings_Reason_ListedAt",
            (_, _, "") => "IX_Listings_Status_ListedAt",
            _ => "IX_Listings_Status_Reason_ListedAt",
        };
    }

    private static IpNetwork? Network(ListingFilter filter) =>
        filter.Search?.Trim() is { Length: > 0 } search ? ListingFilter.AsNetwork(search) : null;

    private static List<Segment> Segments(ListingSortColumn sort, bool ascending)
    {
        if (sort == ListingSortColumn.ExpiresAt)
        {
            var dated = new Segment("l.\"ExpiresAt\" IS NOT NULL", ["ExpiresAt"]);
            var never = new Segment("l.\"ExpiresAt\" IS NULL", []);
            return ascending ? [dated, never] : [never, dated];
        }
        return [new Segment(null, KeysOf(sort))];
    }

    /// <summary>The sort's columns before the id, as the grid's indexes hold them (categories break ties by listing time).</summary>
    private static string[] KeysOf(ListingSortColumn sort) => sort switch
    {
        ListingSortColumn.Network => ["RangeStart", "RangeEnd"],
        ListingSortColumn.Reason => ["Reason", "ListedAt"],
        ListingSortColumn.Status => ["Status", "ListedAt"],
        _ => ["ListedAt"],
    };

    private static bool InSegment(Segment segment, Listing row) =>
        segment.Keys.Length == 0 ? row.ExpiresAt is null : row.ExpiresAt is not null;

    /// <summary>The keyset condition: the rows after <paramref name="row"/> in the walk's direction.</summary>
    private static string After(string[] keys, Listing row, bool ascending, List<SqliteParameter> parameters)
    {
        var columns = keys.Append("Id").Select(k => $"l.\"{k}\"").ToList();
        var values = new List<string>();
        foreach (var key in keys.Append("Id"))
        {
            var name = $"$after{values.Count}";
            parameters.Add(new SqliteParameter(name, KeyValue(row, key)));
            values.Add(name);
        }
        var comparison = ascending ? ">" : "<";
        return columns.Count == 1
            ? $"{columns[0]} {comparison} {values[0]}"
            : $"({string.Join(", ", columns)}) {comparison} ({string.Join(", ", values)})";
    }

    /// <summary>A row's key as stored (see ListingConfiguration and UtcMillisecondsConverter).</summary>
    private static object KeyValue(Listing row, string key) => key switch
    {
        "RangeStart" => row.RangeStart,
        "RangeEnd" => row.RangeEnd,
        "Reason" => row.Reason.ToString(),
        "Status" => row.Status.ToString(),
        "ListedAt" => row.ListedAt.ToUnixTimeMilliseconds(),
        "ExpiresAt" => row.ExpiresAt!.Value.ToUnixTimeMilliseconds(),
        "Id" => row.Id,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, null),
    };

    private static List<string> Conditions(ListingFilter filter, TextSearch text, List<SqliteParameter> parameters)
    {
        var where = new List<string>();
        var search = filter.Search?.Trim();
        var network = string.IsNullOrEmpty(search) ? null : ListingFilter.AsNetwork(search);
        // With a search that names its rows (an address, a range, a selective text), keep the planner on it.
        var plus = network is not null || text.Mode == TextMode.Indexed ? "+" : "";
        if (filter.Status is { } status)
        {
            where.Add($"{plus}l.\"Status\" = '{status}'");
            if (status != ListingStatus.Active)
            {
                // Lets SQLite use the partial indexes of ended listings (the same words as their WHERE).
                where.Add("l.\"Status\" <> 'Active'");
            }
        }
        if (filter.Reason is { } reason)
        {
            where.Add($"{plus}l.\"Reason\" = '{reason}'");
        }
        if (filter.Source is { } source)
        {
            where.Add($"+l.\"Source\" = '{source}'");
        }
        if (network is { } n)
        {
            where.Add(Overlapping(n, parameters));
        }
        else if (!string.IsNullOrEmpty(search))
        {
            if (text.Mode == TextMode.Indexed)
            {
                // The ids the trigram index gave for this request (at most TextMatchCap): looked up once, not per query.
                parameters.Add(new SqliteParameter("$ids", text.Ids));
                where.Add("l.\"Id\" IN (SELECT value FROM json_each($ids))");
            }
            else
            {
                parameters.Add(new SqliteParameter("$like", LikePattern(search)));
                var detail = "l.\"Detail\" LIKE $like ESCAPE '\\'";
                if (text.IndexPart is { } part)
                {
                    // PostgreSQL's trigram index is on the detail's search key (ADR 015): the part's key holds its trigrams
                    // across words, and the exact text filters the key's rows. The planner would multiply the two
                    // conditions' shares as if they were independent (206 rows estimated for 11,111, and a page walked the
                    // sort's index in parallel); the exact text only thins the key's rows, so it is written where the
                    // planner takes a default share.
                    parameters.Add(new SqliteParameter("$key", LikePattern(ListingSearch.KeyFor(part))));
                    detail = $"{ListingSearch.KeyPostgreSql("l.\"Detail\"")} LIKE $key AND COALESCE({detail}, FALSE)";
                }
                // The detail first: a common text is found there, and OR stops at the first match.
                where.Add(StartsAddress(search, parameters) is { } starts ? $"(({detail}) OR {starts})" : $"({detail})");
            }
        }
        return where;
    }

    /// <summary>A LIKE pattern for the rows that hold <paramref name="text"/> (escaped with a backslash).</summary>
    internal static string LikePattern(string text) =>
        "%" + text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";

    /// <summary>The listings that share an address with <paramref name="network"/> (see ListingQueries.Overlapping).</summary>
    private static string Overlapping(IpNetwork network, List<SqliteParameter> parameters)
    {
        var containing = Containing(network, parameters);
        if (network.IsSingleAddress)
        {
            return containing;
        }
        parameters.Add(new SqliteParameter("$first", network.StartKey));
        return $"({containing} OR (l.\"RangeStart\" >= $first AND l.\"RangeStart\" <= $end))";
    }

    /// <summary>The listings that hold all of <paramref name="network"/>: a seek for each network that can (ADR 009).</summary>
    private static string Containing(IpNetwork network, List<SqliteParameter> parameters)
    {
        var starts = ListingQueries.CandidateStarts(network.Address, network.PrefixLength);
        var names = new StringBuilder();
        for (var i = 0; i < starts.Count; i++)
        {
            var name = "$start" + i.ToString(CultureInfo.InvariantCulture);
            parameters.Add(new SqliteParameter(name, starts[i]));
            names.Append(i == 0 ? "" : ", ").Append(name);
        }
        parameters.Add(new SqliteParameter("$end", network.EndKey));
        return $"(l.\"RangeStart\" IN ({names}) AND l.\"RangeEnd\" >= $end)";
    }

    /// <summary>
    /// Where a jump to <paramref name="network"/> starts in the view sorted by network: the start of the widest listing
    /// of the view that holds it, if any (it sorts before the network), else the network's own start (NULL).
    /// </summary>
    public static Sql JumpStart(ListingFilter filter, IpNetwork network)
    {
        filter = filter with { Search = null, SortBy = ListingSortColumn.Network };
        var parameters = new List<SqliteParameter>();
        var where = Conditions(filter, TextSearch.None, parameters);
        where.Add(Containing(network, parameters));
        // Named: left to itself, SQLite took "every active listing" (Status=?) over the candidates' seeks.
        return new Sql($"SELECT MIN(l.\"RangeStart\") FROM \"Listings\" AS l INDEXED BY \"{IndexFor(filter)}\"{Where(where)}", parameters);
    }

    /// <summary>How many rows of the view sorted by network come before <paramref name="start"/>: an index range counted.</summary>
    public static Sql RowsBefore(ListingFilter filter, string start)
    {
        filter = filter with { Search = null, SortBy = ListingSortColumn.Network };
        var parameters = new List<SqliteParameter> { new("$jump", start) };
        var where = Conditions(filter, TextSearch.None, parameters);
        where.Add("l.\"RangeStart\" < $jump");
        return new Sql($"SELECT COUNT(*) FROM \"Listings\" AS l INDEXED BY \"{IndexFor(filter)}\"{Where(where)}", parameters);
    }

    /// <summary>A key just before every listing that starts at <paramref name="start"/>: a page "after" it begins there.</summary>
    public static Listing KeyBefore(string start) => new()
    {
        Id = 0,
        RangeStart = start,
        // Every stored end is longer than the empty string.
        RangeEnd = "",
        Network = "",
        PrefixLength = 0,
        Reason = default,
        Detail = "",
        ListedAt = default,
    };

    private static string Where(List<string> conditions) =>
        conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
}
