namespace DelistPortal.Data;

/// <summary>
/// Triggers that make the history table append-only in the database itself, for anyone who edits it with SQL.
/// Applied by the migration of the same name.
/// </summary>
public static class HistoryTriggers
{
    public const string CreateSqlite = """
        CREATE TRIGGER ListingEvents_NoUpdate BEFORE UPDATE ON ListingEvents
        BEGIN SELECT RAISE(ABORT, 'The blocklist history is append-only'); END;
        CREATE TRIGGER ListingEvents_NoDelete BEFORE DELETE ON ListingEvents
        BEGIN SELECT RAISE(ABORT, 'The blocklist history is append-only'); END;
        """;

    public const string DropSqlite = """
        DROP TRIGGER IF EXISTS ListingEvents_NoUpdate;
        DROP TRIGGER IF EXISTS ListingEvents_NoDelete;
        """;
}
