using System.Data.Common;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Admin;

/// <summary>
/// How a grid text search runs on PostgreSQL (<see cref="ListingGridQuery.TextMode.Filter"/>). FTS5 hands SQLite the first
/// matches lazily, so SQLite looks a text up first and decides from that; a pg_trgm GIN scan cannot stop early, so here
/// the text stays a condition of the page's query and PostgreSQL's planner chooses, from its statistics, between the
/// trigram index (a rare text) and walking the sort's index (a common one). The total keeps SQLite's meaning: the
/// matches are counted up to the lookup's cap first (see ListingAdminService.CountAsync).
/// The index is on the detail's search key (<see cref="ListingSearch.SearchKeyPostgreSql"/>, ADR 015), whose trigrams span
/// words as FTS5's do: a text of common words in no row ("traps mail") has a trigram across its words in no row either.
/// The planner's own sample of the column (<c>pg_stats</c>) chooses what the index is asked for: nothing for a text in a
/// large share of the rows (the walk finds it at once), the text's rarest word for a rare text made of common words
/// ("Benchmark listing 77777:" at a million listings: the GIN scan reads every trigram's posting list, and the common
/// words' lists cost 60-90 ms), else the narrowest end of the text that is as rare as all of it.
/// The sample only chooses the way; the rows are the same either way.
/// </summary>
internal static class PostgreSqlTextLookup
{
    /// <summary>
    /// A word the sample finds in this share of rows or more is not asked for alone: its rows (tens of thousands at a
    /// million) would all be fetched, checked and sorted, where the planner would rather walk the sort's index.
    /// </summary>
    public const double RareShare = 0.02;

    /// <summary>
    /// A text the sample finds in this share of rows or more is walked without the index: a page finds its rows among the
    /// first few dozen walked, a count (up to 10,001 matches) among a few tens of thousands, where the index would give
    /// every one of its rows to be fetched and checked.
    /// </summary>
    public const double CommonShare = 0.2;

    public static async Task<ListingGridQuery.TextSearch> FindAsync(PortalDbContext db, string text, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var sample = await SampleAsync(db.Database.GetDbConnection(), cancellationToken);
        return new ListingGridQuery.TextSearch(ListingGridQuery.TextMode.Filter, IndexPart: IndexPartOrWalk(text, sample));
    }

    /// <summary>
    /// What the trigram index is asked for: nothing (null) for a text in <see cref="CommonShare"/> of the rows or more;
    /// else <see cref="IndexPart"/>, and when that is the whole text, its <see cref="Narrowest"/> end. Before the table's
    /// first ANALYZE there is no sample, every part would look as rare as the text, and the whole text is asked for.
    /// </summary>
    internal static string? IndexPartOrWalk(string text, Sample sample)
    {
        if (sample.Columns.Count == 0)
        {
            return text;
        }
        Func<string, double> share = sample.Share;
        if (share(text) >= CommonShare)
        {
            return null;
        }
        var part = IndexPart(text, share);
        return part == text ? Narrowest(text, share) : part;
    }

    /// <summary>
    /// The shortest start or end of <paramref name="text"/> (4 characters or more: two trigrams) that the sample finds in
    /// no more rows than the whole text, else the text. The GIN scan reads every trigram's posting list: "listing 12" asks
    /// for "lis", "ist", "sti", "tin", "ing", "ngq" (in every row of the benchmark) beside "gq1" and "q12"; its end "g 12"
    /// asks for the last two only (1.5 ms instead of 6 at a million). The whole text still filters the rows.
    /// </summary>
    internal static string Narrowest(string text, Func<string, double> share)
    {
        var whole = share(text);
        for (var length = 4; length < text.Length; length++)
        {
            if (share(text[..length]) <= whole)
            {
                return text[..length];
            }
            if (share(text[^length..]) <= whole)
            {
                return text[^length..];
            }
        }
        return text;
    }

    /// <summary>
    /// The part of <paramref name="text"/> to ask the trigram index for: its rarest word (letters and digits, at least
    /// <see cref="ListingSearch.MinLength"/> of them, with the character on each side that the text has: " 77777:" holds
    /// the trigrams of a word on its own), when the sample finds it in fewer rows than the whole text's most common word
    /// and in under <see cref="RareShare"/> of them; else the whole text, and the planner chooses between the index and a walk.
    /// </summary>
    internal static string IndexPart(string text, Func<string, double> share)
    {
        var words = Words(text).ToList();
        if (words.Count < 2)
        {
            return text;
        }
        var shares = words.Select(share).ToList();
        var rarest = shares.IndexOf(shares.Min());
        return shares[rarest] < shares.Max() && shares[rarest] < RareShare ? words[rarest] : text;
    }

    private static IEnumerable<string> Words(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetterOrDigit(text[i]))
            {
                i++;
                continue;
            }
            var start = i;
            while (i < text.Length && char.IsLetterOrDigit(text[i]))
            {
                i++;
            }
            if (i - start >= ListingSearch.MinLength)
            {
                var from = Math.Max(0, start - 1);
                yield return text[from..Math.Min(text.Length, i + 1)];
            }
        }
    }

    /// <summary>The values PostgreSQL's planner keeps for the searched column (the detail): its most common values and its histogram's bounds.</summary>
    private static async Task<Sample> SampleAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT null_frac, most_common_vals::text::text[], most_common_freqs, histogram_bounds::text::text[]
            FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'Listings' AND attname = 'Detail'
            """;
        var columns = new List<Sample.Column>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            columns.Add(new Sample.Column(
                reader.GetFloat(0),
                reader.IsDBNull(1) ? [] : reader.GetFieldValue<string[]>(1),
                reader.IsDBNull(2) ? [] : reader.GetFieldValue<float[]>(2),
                reader.IsDBNull(3) ? [] : reader.GetFieldValue<string[]>(3)));
        }
        return new Sample(columns);
    }

    /// <summary>The planner's sample of the searched column (none before the table is first analyzed: then every text is looked up).</summary>
    internal sealed record Sample(IReadOnlyList<Sample.Column> Columns)
    {
        internal sealed record Column(float NullShare, string[] CommonValues, float[] CommonShares, string[] Bounds);

        /// <summary>The share of rows whose detail holds <paramref name="text"/>, as the sample suggests (as PostgreSQL's own estimate of LIKE does).</summary>
        public double Share(string text)
        {
            var total = 0.0;
            foreach (var column in Columns)
            {
                var share = 0.0;
                for (var i = 0; i < column.CommonValues.Length; i++)
                {
                    share += Holds(column.CommonValues[i], text) ? column.CommonShares[i] : 0;
                }
                if (column.Bounds.Length > 0)
                {
                    var rest = 1 - column.CommonShares.Sum() - column.NullShare;
                    share += rest * column.Bounds.Count(b => Holds(b, text)) / column.Bounds.Length;
                }
                total += share;
            }
            return Math.Min(1, total);
        }

        private static bool Holds(string value, string text) => value.Contains(text, StringComparison.OrdinalIgnoreCase);
    }
}
