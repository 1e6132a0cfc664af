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
/// One case the planner cannot help: a rare text made of common words ("Benchmark listing 77777:" at a million
/// listings). The GIN scan reads every trigram's posting list, and the rare word's matches, spread over the table, make
/// it read the common words' lists page by page (60-90 ms). So the index is asked for the text's rarest word only, as
/// the planner's own sample of the column (<c>pg_stats</c>) suggests, and the whole text filters the rows it gives.
/// The sample only chooses the way; the rows are the same either way.
/// </summary>
internal static class PostgreSqlTextLookup
{
    /// <summary>
    /// A word the sample finds in this share of rows or more is not asked for alone: its rows (tens of thousands at a
    /// million) would all be fetched, checked and sorted, where the planner would rather walk the sort's index.
    /// </summary>
    public const double RareShare = 0.02;

    public static async Task<ListingGridQuery.TextSearch> FindAsync(PortalDbContext db, string text, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var sample = await SampleAsync(db.Database.GetDbConnection(), cancellationToken);
        var part = IndexPart(text, sample.Share);
        return new ListingGridQuery.TextSearch(ListingGridQuery.TextMode.Filter, IndexPart: part == text ? null : part);
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
