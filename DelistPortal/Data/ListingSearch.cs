namespace DelistPortal.Data;

/// <summary>
/// A row of the full-text index over listings' network and detail (SQLite FTS5, trigram tokenizer: any substring of
/// three characters or more is found through the index, case-insensitively, like LIKE '%…%' but without a scan).
/// Created and kept in step by triggers in the migration of the same name; the model only reads it.
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
    public const string CreateSqlite = """
        CREATE VIRTUAL TABLE ListingSearch USING fts5(Network, Detail, content='Listings', content_rowid='Id', tokenize='trigram');
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
        INSERT INTO ListingSearch(ListingSearch) VALUES ('rebuild');
        """;

    public const string DropSqlite = """
        DROP TRIGGER IF EXISTS Listings_Search_Insert;
        DROP TRIGGER IF EXISTS Listings_Search_Delete;
        DROP TRIGGER IF EXISTS Listings_Search_Update;
        DROP TABLE IF EXISTS ListingSearch;
        """;

    /// <summary>The shortest search the trigram index can answer; shorter ones fall back to LIKE.</summary>
    public const int MinLength = 3;

    /// <summary>An FTS5 query for the exact substring: one quoted phrase, quotes doubled.</summary>
    public static string PhraseFor(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
