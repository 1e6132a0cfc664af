namespace DelistPortal.Blocklist;

/// <summary>
/// A row of the full-text index over listings' detail (SQLite FTS5, trigram tokenizer: any substring of three
/// characters or more is found through the index, case-insensitively, like LIKE '%…%' but without a scan). Created and
/// kept in step by triggers in the migrations (<see cref="ListingSearch.DetailOnlySqlite"/>); the model only reads it.
/// A listing's network is found by its beginning instead (<see cref="AddressPrefix"/>).
/// </summary>
public sealed class ListingSearchRow
{
    /// <summary>The listing's id (FTS5's rowid).</summary>
    public int RowId { get; set; }

    /// <summary>The table-named column: comparing it to a query string is an FTS5 MATCH.</summary>
    public string Query { get; set; } = "";
}

public static class ListingSearch
{
    /// <summary>The index as the migration ListingSearch first made it, of the network and the detail (<see cref="DetailOnlySqlite"/> replaced it).</summary>
    public const string CreateSqlite = $"""
        CREATE VIRTUAL TABLE ListingSearch USING fts5(Network, Detail, content='Listings', content_rowid='Id', tokenize='trigram');
        {IndexAtOnceTriggers}
        INSERT INTO ListingSearch(ListingSearch) VALUES ('rebuild');
        """;

    // Every change of a listing's text reaches the index in its own transaction.
    private const string IndexAtOnceTriggers = """
        CREATE TRIGGER Listings_Search_Insert AFTER INSERT ON Listings BEGIN
            INSERT INTO ListingSearch(rowid, Network, Detail) VALUES (new.Id, new.Network, new.Detail);
        END;
        CREATE TRIGGER Listings_Search_Delete AFTER DELETE ON Listings BEGIN
            INSERT INTO ListingSearch(ListingSearch, rowid, Network, Detail) VALUES ('delete', old.Id, old.Network, old.Detail);
        END;
        CREATE TRIGGER Listings_Search_Update AFTER UPDATE OF Network, Detail ON Listings BEGIN
            INSERT INTO ListingSearch(ListingSearch, rowid, Network, Detail) VALUES ('delete', old.Id, old.Network, old.Detail);
            INSERT INTO ListingSearch(rowid, Network, Detail) VALUES (new.Id, new.Network, new.Detail);
        END;
        """;

    /// <summary>
    /// Deferred indexing for imports (docs/decisions/011): inside a transaction that holds a row in
    /// <c>ListingSearchDeferral</c>, a new listing's text is not indexed but its id goes to <c>ListingSearchPending</c>;
    /// <see cref="IndexPendingSql"/> indexes those rows later, in one pass, with their text as it is then. The deferral
    /// row is inserted and deleted inside the import's own write transaction, so it is never committed and no other
    /// writer ever sees it (SQLite has one writer at a time). A pending row's text is not in FTS5 yet, so an edit or a
    /// delete of it must not reach FTS5's 'delete' (which would corrupt the index): the triggers skip FTS5 for pending
    /// rows, and a deleted listing leaves the queue.
    /// </summary>
    public const string DeferSqlite = """
        CREATE TABLE ListingSearchDeferral (Id INTEGER NOT NULL PRIMARY KEY);
        CREATE TABLE ListingSearchPending (ListingId INTEGER NOT NULL PRIMARY KEY);
        DROP TRIGGER Listings_Search_Insert;
        DROP TRIGGER Listings_Search_Delete;
        DROP TRIGGER Listings_Search_Update;
        CREATE TRIGGER Listings_Search_Insert AFTER INSERT ON Listings BEGIN
            INSERT INTO ListingSearch(rowid, Network, Detail) SELECT new.Id, new.Network, new.Detail
                WHERE NOT EXISTS (SELECT 1 FROM ListingSearchDeferral);
            INSERT INTO ListingSearchPending(ListingId) SELECT new.Id
                WHERE EXISTS (SELECT 1 FROM ListingSearchDeferral);
        END;
        CREATE TRIGGER Listings_Search_Delete AFTER DELETE ON Listings BEGIN
            INSERT INTO ListingSearch(ListingSearch, rowid, Network, Detail) SELECT 'delete', old.Id, old.Network, old.Detail
                WHERE NOT EXISTS (SELECT 1 FROM ListingSearchPending WHERE ListingId = old.Id);
            DELETE FROM ListingSearchPending WHERE ListingId = old.Id;
        END;
        CREATE TRIGGER Listings_Search_Update AFTER UPDATE OF Network, Detail ON Listings
        WHEN NOT EXISTS (SELECT 1 FROM ListingSearchPending WHERE ListingId = old.Id) BEGIN
            INSERT INTO ListingSearch(ListingSearch, rowid, Network, Detail) VALUES ('delete', old.Id, old.Network, old.Detail);
            INSERT INTO ListingSearch(rowid, Network, Detail) VALUES (new.Id, new.Network, new.Detail);
        END;
        """;

    /// <summary>
    /// FTS5 writes the terms a transaction adds as a new segment whenever they pass its hash size (1 MB by default),
    /// and merges those segments as they pile up: an import's text pass (50,000 listings a transaction) wrote dozens of
    /// segments a transaction and spent half its time merging them. At 16 MB a transaction's terms make one or two
    /// segments; the pass took 9.5 s of CPU instead of 15.2 s at a million listings. The memory is the writer's, only
    /// while a transaction that large is open. A setting of the index, stored in it: every connection uses it.
    /// </summary>
    public const string HashSizeSqlite = "INSERT INTO ListingSearch(ListingSearch, rank) VALUES ('hashsize', 16777216);";

    public const string DefaultHashSizeSqlite = "INSERT INTO ListingSearch(ListingSearch, rank) VALUES ('hashsize', 1048576);";

    /// <summary>Back to <see cref="CreateSqlite"/>'s triggers; pending rows are indexed first. For the index of the network and the detail.</summary>
    public const string UndeferSqlite = $"""
        INSERT INTO ListingSearch(rowid, Network, Detail)
            SELECT l.Id, l.Network, l.Detail FROM ListingSearchPending p JOIN Listings l ON l.Id = p.ListingId;
        DROP TRIGGER Listings_Search_Insert;
        DROP TRIGGER Listings_Search_Delete;
        DROP TRIGGER Listings_Search_Update;
        DROP TABLE ListingSearchPending;
        DROP TABLE ListingSearchDeferral;
        {IndexAtOnceTriggers}
        """;

    /// <summary>
    /// The index of the detail alone, with <see cref="DeferSqlite"/>'s deferral (migration DetailOnlyListingSearch). The
    /// network's trigrams were half of the index's cost to an import (0.4-0.7 s per 100,000 rows) and found a network
    /// by any fragment, where an admin types its beginning: the grid finds that through the index of network starts
    /// (<see cref="AddressPrefix"/>). Every row is indexed again, the rows an import left pending too (so none is left).
    /// </summary>
    public const string DetailOnlySqlite = $"""
        {DropTriggersSqlite}
        DROP TABLE ListingSearch;
        CREATE VIRTUAL TABLE ListingSearch USING fts5(Detail, content='Listings', content_rowid='Id', tokenize='trigram');
        {HashSizeSqlite}
        CREATE TRIGGER Listings_Search_Insert AFTER INSERT ON Listings BEGIN
            INSERT INTO ListingSearch(rowid, Detail) SELECT new.Id, new.Detail
                WHERE NOT EXISTS (SELECT 1 FROM ListingSearchDeferral);
            INSERT INTO ListingSearchPending(ListingId) SELECT new.Id
                WHERE EXISTS (SELECT 1 FROM ListingSearchDeferral);
        END;
        CREATE TRIGGER Listings_Search_Delete AFTER DELETE ON Listings BEGIN
            INSERT INTO ListingSearch(ListingSearch, rowid, Detail) SELECT 'delete', old.Id, old.Detail
                WHERE NOT EXISTS (SELECT 1 FROM ListingSearchPending WHERE ListingId = old.Id);
            DELETE FROM ListingSearchPending WHERE ListingId = old.Id;
        END;
        CREATE TRIGGER Listings_Search_Update AFTER UPDATE OF Detail ON Listings
        WHEN NOT EXISTS (SELECT 1 FROM ListingSearchPending WHERE ListingId = old.Id) BEGIN
            INSERT INTO ListingSearch(ListingSearch, rowid, Detail) VALUES ('delete', old.Id, old.Detail);
            INSERT INTO ListingSearch(rowid, Detail) VALUES (new.Id, new.Detail);
        END;
        DELETE FROM ListingSearchPending;
        INSERT INTO ListingSearch(ListingSearch) VALUES ('rebuild');
        """;

    /// <summary>Back from <see cref="DetailOnlySqlite"/> to the index of the network and the detail, deferral included.</summary>
    public const string NetworkAndDetailSqlite = $"""
        {DropTriggersSqlite}
        DROP TABLE ListingSearch;
        DROP TABLE ListingSearchPending;
        DROP TABLE ListingSearchDeferral;
        {CreateSqlite}
        {DeferSqlite}
        {HashSizeSqlite}
        """;

    private const string DropTriggersSqlite = """
        DROP TRIGGER Listings_Search_Insert;
        DROP TRIGGER Listings_Search_Delete;
        DROP TRIGGER Listings_Search_Update;
        """;

    /// <summary>Run first in an import's write transaction: the listings it inserts wait for <see cref="IndexPendingSql"/>.</summary>
    public const string BeginDeferralSql = "INSERT INTO ListingSearchDeferral (Id) VALUES (1)";

    /// <summary>Run before that transaction commits: the deferral row must never be committed.</summary>
    public const string EndDeferralSql = "DELETE FROM ListingSearchDeferral";

    /// <summary>
    /// Indexes the pending listings up to <c>$upTo</c> (their id) with their current text.
    /// Run in a write transaction, after reading the bound with <see cref="PendingBoundSql"/> in the same transaction.
    /// </summary>
    public const string IndexPendingSql = """
        INSERT INTO ListingSearch(rowid, Detail)
            SELECT l.Id, l.Detail FROM ListingSearchPending p JOIN Listings l ON l.Id = p.ListingId
            WHERE p.ListingId <= $upTo ORDER BY p.ListingId
        """;

    /// <summary>Takes the listings <see cref="IndexPendingSql"/> indexed off the queue, in the same transaction.</summary>
    public const string DequeuePendingSql = "DELETE FROM ListingSearchPending WHERE ListingId <= $upTo";

    /// <summary>The id of the <c>$count</c>-th pending listing (or the last one, when fewer wait); null when none wait.</summary>
    public const string PendingBoundSql = """
        SELECT coalesce(
            (SELECT ListingId FROM ListingSearchPending ORDER BY ListingId LIMIT 1 OFFSET $count - 1),
            (SELECT max(ListingId) FROM ListingSearchPending))
        """;

    public const string DropSqlite = """
        DROP TRIGGER IF EXISTS Listings_Search_Insert;
        DROP TRIGGER IF EXISTS Listings_Search_Delete;
        DROP TRIGGER IF EXISTS Listings_Search_Update;
        DROP TABLE IF EXISTS ListingSearch;
        """;

    /// <summary>
    /// PostgreSQL's counterpart of the FTS5 table: a pg_trgm GIN index over the listing's own columns, which
    /// <c>ILIKE '%…%'</c> uses. GIN's pending list already absorbs bulk inserts, so imports need no deferral there.
    /// As first made, of the network and the detail (<see cref="DetailOnlyPostgreSql"/> replaced it).
    /// </summary>
    public const string CreatePostgreSql = """
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE INDEX "IX_Listings_Search" ON "Listings" USING gin ("Network" gin_trgm_ops, "Detail" gin_trgm_ops);
        """;

    /// <summary>
    /// The trigram index of the detail alone, as on SQLite (<see cref="DetailOnlySqlite"/>): the network's trigrams were
    /// half of the index's cost to an import (1.9 of 3.7 s per 100,000 rows).
    /// </summary>
    public const string DetailOnlyPostgreSql = $"""
        {DropPostgreSql}
        CREATE INDEX "IX_Listings_Search" ON "Listings" USING gin ("Detail" gin_trgm_ops);
        """;

    /// <summary>Back from <see cref="DetailOnlyPostgreSql"/> to <see cref="CreatePostgreSql"/>'s index.</summary>
    public const string NetworkAndDetailPostgreSql = $"""
        {DropPostgreSql}
        {CreatePostgreSql}
        """;

    public const string DropPostgreSql = """
        DROP INDEX IF EXISTS "IX_Listings_Search";
        """;

    /// <summary>
    /// ADR 015: the trigram index of the detail's search key (<see cref="KeyPostgreSql"/>) instead of the detail. pg_trgm
    /// cuts a text into words at every character that is not a letter or digit and indexes each word alone, so a text of
    /// common words in no row ("traps mail") asked it for trigrams in every row, and every row was checked (1.3-1.9 s at a
    /// million). In the key the spaces are a letter and the trigrams span words ("trapsqmail": "psq", "sqm", "qma"), as in
    /// SQLite's FTS5 trigram table. ANALYZE gives the planner the key's statistics at once (a sample: about a second at a
    /// million).
    /// </summary>
    public static readonly string SearchKeyPostgreSql = $"""
        {DropPostgreSql}
        CREATE INDEX "IX_Listings_SearchKey" ON "Listings" USING gin (({KeyPostgreSql("\"Detail\"")}) gin_trgm_ops);
        ANALYZE "Listings";
        """;

    /// <summary>Back from <see cref="SearchKeyPostgreSql"/> to <see cref="DetailOnlyPostgreSql"/>'s index.</summary>
    public static readonly string DetailOnlyFromKeyPostgreSql = $"""
        DROP INDEX IF EXISTS "IX_Listings_SearchKey";
        {DetailOnlyPostgreSql}
        """;

    /// <summary>
    /// What a space becomes in the search key: a letter, which pg_trgm keeps inside a word on any locale. Never change it
    /// in place: the index is built with it, and a key made with another letter would miss rows (a new one needs a new
    /// migration).
    /// </summary>
    public const char KeySpace = 'q';

    /// <summary>
    /// The search key of <paramref name="column"/> in PostgreSQL: its spaces written as <see cref="KeySpace"/>, a character
    /// for a character, so the key of a text is in the key of every detail that holds the text. The converse is not true
    /// ("q" is a letter too): the exact text is checked beside it. Spaces only: one <c>replace</c> costs ~0.1 µs a row,
    /// and the index checks the key of every row it gives again; each other separator would add its own (punctuation
    /// still cuts words, as before).
    /// </summary>
    public static string KeyPostgreSql(string column) => $"replace({column}, ' ', '{KeySpace}')";

    /// <summary>What <see cref="KeyPostgreSql"/> makes of <paramref name="text"/>.</summary>
    public static string KeyFor(string text) => text.Replace(' ', KeySpace);

    /// <summary>The shortest search the trigram index can answer; shorter ones fall back to LIKE.</summary>
    public const int MinLength = 3;

    /// <summary>
    /// The words of a text of several words that the index can look up (at least <see cref="MinLength"/> characters,
    /// each once, longest first: a longer word is more often a rare one); empty for one word.
    /// </summary>
    public static IReadOnlyList<string> WordsOf(string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return words.Length < 2
            ? []
            : words.Where(w => w.Length >= MinLength).Distinct(StringComparer.OrdinalIgnoreCase).OrderByDescending(w => w.Length).ToList();
    }

    /// <summary>An FTS5 query for the exact substring: one quoted phrase, quotes doubled.</summary>
    public static string PhraseFor(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
