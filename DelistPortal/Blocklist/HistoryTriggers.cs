namespace DelistPortal.Blocklist;

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

    /// <summary>PostgreSQL's counterpart: row updates and deletes, and TRUNCATE, are refused.</summary>
    public const string CreatePostgreSql = """
        CREATE FUNCTION listing_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            RAISE EXCEPTION 'The blocklist history is append-only';
        END
        $body$;
        CREATE TRIGGER "ListingEvents_NoUpdate" BEFORE UPDATE ON "ListingEvents"
            FOR EACH ROW EXECUTE FUNCTION listing_events_append_only();
        CREATE TRIGGER "ListingEvents_NoDelete" BEFORE DELETE ON "ListingEvents"
            FOR EACH ROW EXECUTE FUNCTION listing_events_append_only();
        CREATE TRIGGER "ListingEvents_NoTruncate" BEFORE TRUNCATE ON "ListingEvents"
            FOR EACH STATEMENT EXECUTE FUNCTION listing_events_append_only();
        """;

    public const string DropPostgreSql = """
        DROP FUNCTION IF EXISTS listing_events_append_only() CASCADE;
        """;

    public const string DropSqlite = """
        DROP TRIGGER IF EXISTS ListingEvents_NoUpdate;
        DROP TRIGGER IF EXISTS ListingEvents_NoDelete;
        """;
}
