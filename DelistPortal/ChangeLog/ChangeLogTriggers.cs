namespace DelistPortal.ChangeLog;

/// <summary>
/// The triggers that write the change log (<see cref="ChangeLog.ChangeLogEntry"/>) in the transaction of every
/// change to a listing, a range exception, an account's sign-in state (security stamp, roles, removal) or the mail outbox — whoever
/// makes it: this process, another one, or plain SQL. Applied by the migration "ChangeLog".
/// </summary>
public static class ChangeLogTriggers
{
    /// <summary>Unix milliseconds from the database's clock (works on every SQLite version the provider ships).</summary>
    public const string NowMillisecondsSqlite = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

    /// <summary>Unix milliseconds from PostgreSQL's clock at the moment of the call (not the transaction's start).</summary>
    public const string NowMillisecondsPostgreSql = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

    /// <summary>
    /// The transaction-level advisory lock every change-log entry is written under on PostgreSQL
    /// (docs/decisions/012): "DPChgLog" as a number.
    /// </summary>
    public const long PostgreSqlCommitOrderLock = 0x4450_4368_674C_6F67;

    /// <summary>The channel the PostgreSQL triggers notify at commit, for followers that listen.</summary>
    public const string PostgreSqlChannel = "delistportal_changelog";

    /// <summary>
    /// PostgreSQL's counterpart of <see cref="CreateSqlite"/> and <see cref="CreateExceptionsSqlite"/>. PostgreSQL has
    /// concurrent writers, so a position taken early could commit after a larger one and a tail reading
    /// "position > last" would skip it. The triggers are therefore deferred to the commit and take one
    /// transaction-level advisory lock before they take positions: positions are handed out in commit order, one
    /// committing transaction at a time, and the lock is held only for the commit itself (docs/decisions/012).
    /// </summary>
    public static readonly string CreatePostgreSql = $$"""
        CREATE FUNCTION change_log_append() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            PERFORM pg_advisory_xact_lock({{PostgreSqlCommitOrderLock}});
            INSERT INTO "ChangeLog" ("Topic", "Key")
                VALUES (TG_ARGV[0], to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END) ->> TG_ARGV[1]);
            PERFORM pg_notify('{{PostgreSqlChannel}}', '');
            RETURN NULL;
        END
        $body$;
        CREATE CONSTRAINT TRIGGER "Listings_ChangeLog" AFTER INSERT OR UPDATE OR DELETE ON "Listings"
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION change_log_append('Listing', 'Id');
        CREATE CONSTRAINT TRIGGER "ListingExceptions_ChangeLog" AFTER INSERT OR UPDATE OR DELETE ON "ListingExceptions"
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION change_log_append('Exception', 'Id');
        CREATE CONSTRAINT TRIGGER "AspNetUsers_ChangeLog_Stamp" AFTER UPDATE OF "SecurityStamp" ON "AspNetUsers"
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD."SecurityStamp" IS DISTINCT FROM NEW."SecurityStamp")
            EXECUTE FUNCTION change_log_append('Account', 'Id');
        CREATE CONSTRAINT TRIGGER "AspNetUsers_ChangeLog_Delete" AFTER DELETE ON "AspNetUsers"
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION change_log_append('Account', 'Id');
        CREATE CONSTRAINT TRIGGER "AspNetUserRoles_ChangeLog" AFTER INSERT OR DELETE ON "AspNetUserRoles"
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION change_log_append('Account', 'UserId');
        CREATE CONSTRAINT TRIGGER "OutboxMessages_ChangeLog" AFTER INSERT ON "OutboxMessages"
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION change_log_append('Outbox', 'Id');
        """;

    public const string DropPostgreSql = """
        DROP FUNCTION IF EXISTS change_log_append() CASCADE;
        """;

    /// <summary>
    /// What replaces the row trigger "Listings_ChangeLog" of <see cref="CreatePostgreSql"/> (migration
    /// "StatementLevelListingTriggers"): the same entries, written at the commit under the same lock, but a statement at
    /// a time. PostgreSQL allows a constraint (deferred) trigger only per row, which cost an import a trigger call and a
    /// one-row insert per listing at each commit. So a statement trigger copies the statement's listing ids from its
    /// transition table into "ChangeLogPending" with one INSERT … SELECT, and marks the transaction once with a row in
    /// "ChangeLogCommits", whose deferred trigger moves the pending entries into the change log at the commit, after
    /// taking the commit-order lock (docs/decisions/012), and notifies once. Both tables only ever hold the rows of
    /// transactions still running (each moves and deletes its own before it commits), which no other transaction
    /// sees, so they need no key and writers never wait on them; unlogged, as they are empty after every commit.
    /// </summary>
    public static readonly string CreateListingsStatementLevelPostgreSql = $$"""
        DROP TRIGGER "Listings_ChangeLog" ON "Listings";
        CREATE UNLOGGED TABLE "ChangeLogPending" ("Topic" character varying(16) NOT NULL, "Key" character varying(64) NOT NULL);
        CREATE UNLOGGED TABLE "ChangeLogCommits" ("Pending" boolean NOT NULL DEFAULT true);
        CREATE FUNCTION change_log_pend_listings() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                INSERT INTO "ChangeLogPending" ("Topic", "Key") SELECT 'Listing', "Id"::text FROM old_listings;
            ELSE
                INSERT INTO "ChangeLogPending" ("Topic", "Key") SELECT 'Listing', "Id"::text FROM new_listings;
            END IF;
            -- One mark per transaction; the setting is the transaction's own and undone with it (or its savepoint).
            IF FOUND AND current_setting('{{PendingSetting}}', true) IS DISTINCT FROM 'on' THEN
                PERFORM set_config('{{PendingSetting}}', 'on', true);
                INSERT INTO "ChangeLogCommits" DEFAULT VALUES;
            END IF;
            RETURN NULL;
        END
        $body$;
        CREATE FUNCTION change_log_commit_pending() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            -- Cleared first: a change after SET CONSTRAINTS … IMMEDIATE marks the transaction again.
            PERFORM set_config('{{PendingSetting}}', '', true);
            DELETE FROM "ChangeLogCommits";
            PERFORM pg_advisory_xact_lock({{PostgreSqlCommitOrderLock}});
            WITH moved AS (DELETE FROM "ChangeLogPending" RETURNING "Topic", "Key")
                INSERT INTO "ChangeLog" ("Topic", "Key") SELECT "Topic", "Key" FROM moved;
            IF FOUND THEN
                PERFORM pg_notify('{{PostgreSqlChannel}}', '');
            END IF;
            RETURN NULL;
        END
        $body$;
        CREATE CONSTRAINT TRIGGER "ChangeLogCommits_Commit" AFTER INSERT ON "ChangeLogCommits"
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION change_log_commit_pending();
        CREATE TRIGGER "Listings_ChangeLog_Insert" AFTER INSERT ON "Listings"
            REFERENCING NEW TABLE AS new_listings FOR EACH STATEMENT EXECUTE FUNCTION change_log_pend_listings();
        CREATE TRIGGER "Listings_ChangeLog_Update" AFTER UPDATE ON "Listings"
            REFERENCING NEW TABLE AS new_listings FOR EACH STATEMENT EXECUTE FUNCTION change_log_pend_listings();
        CREATE TRIGGER "Listings_ChangeLog_Delete" AFTER DELETE ON "Listings"
            REFERENCING OLD TABLE AS old_listings FOR EACH STATEMENT EXECUTE FUNCTION change_log_pend_listings();
        """;

    /// <summary>Undoes <see cref="CreateListingsStatementLevelPostgreSql"/>: the row trigger of <see cref="CreatePostgreSql"/> again.</summary>
    public const string DropListingsStatementLevelPostgreSql = """
        DROP FUNCTION IF EXISTS change_log_pend_listings() CASCADE;
        DROP FUNCTION IF EXISTS change_log_commit_pending() CASCADE;
        DROP TABLE IF EXISTS "ChangeLogPending";
        DROP TABLE IF EXISTS "ChangeLogCommits";
        CREATE CONSTRAINT TRIGGER "Listings_ChangeLog" AFTER INSERT OR UPDATE OR DELETE ON "Listings"
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION change_log_append('Listing', 'Id');
        """;

    /// <summary>The transaction-local setting that says this transaction has pending change-log entries.</summary>
    private const string PendingSetting = "delistportal.change_log_pending";

    private static string Append(string topic, string key) =>
        $"INSERT INTO ChangeLog (Topic, \"Key\") VALUES ('{topic}', CAST({key} AS TEXT));";

    public static readonly string CreateSqlite = $"""
        CREATE TRIGGER Listings_ChangeLog_Insert AFTER INSERT ON Listings
        BEGIN {Append("Listing", "NEW.Id")} END;
        CREATE TRIGGER Listings_ChangeLog_Update AFTER UPDATE ON Listings
        BEGIN {Append("Listing", "NEW.Id")} END;
        CREATE TRIGGER Listings_ChangeLog_Delete AFTER DELETE ON Listings
        BEGIN {Append("Listing", "OLD.Id")} END;
        CREATE TRIGGER AspNetUsers_ChangeLog_Stamp AFTER UPDATE OF SecurityStamp ON AspNetUsers
        WHEN OLD.SecurityStamp IS NOT NEW.SecurityStamp
        BEGIN {Append("Account", "NEW.Id")} END;
        CREATE TRIGGER AspNetUsers_ChangeLog_Delete AFTER DELETE ON AspNetUsers
        BEGIN {Append("Account", "OLD.Id")} END;
        CREATE TRIGGER AspNetUserRoles_ChangeLog_Insert AFTER INSERT ON AspNetUserRoles
        BEGIN {Append("Account", "NEW.UserId")} END;
        CREATE TRIGGER AspNetUserRoles_ChangeLog_Delete AFTER DELETE ON AspNetUserRoles
        BEGIN {Append("Account", "OLD.UserId")} END;
        CREATE TRIGGER OutboxMessages_ChangeLog_Insert AFTER INSERT ON OutboxMessages
        BEGIN {Append("Outbox", "NEW.Id")} END;
        """;

    /// <summary>The same for range exceptions (topic "Exception"); applied by the migration "ListingExceptions".</summary>
    public static readonly string CreateExceptionsSqlite = $"""
        CREATE TRIGGER ListingExceptions_ChangeLog_Insert AFTER INSERT ON ListingExceptions
        BEGIN {Append("Exception", "NEW.Id")} END;
        CREATE TRIGGER ListingExceptions_ChangeLog_Update AFTER UPDATE ON ListingExceptions
        BEGIN {Append("Exception", "NEW.Id")} END;
        CREATE TRIGGER ListingExceptions_ChangeLog_Delete AFTER DELETE ON ListingExceptions
        BEGIN {Append("Exception", "OLD.Id")} END;
        """;

    public const string DropExceptionsSqlite = """
        DROP TRIGGER IF EXISTS ListingExceptions_ChangeLog_Insert;
        DROP TRIGGER IF EXISTS ListingExceptions_ChangeLog_Update;
        DROP TRIGGER IF EXISTS ListingExceptions_ChangeLog_Delete;
        """;

    public const string DropSqlite = """
        DROP TRIGGER IF EXISTS Listings_ChangeLog_Insert;
        DROP TRIGGER IF EXISTS Listings_ChangeLog_Update;
        DROP TRIGGER IF EXISTS Listings_ChangeLog_Delete;
        DROP TRIGGER IF EXISTS AspNetUsers_ChangeLog_Stamp;
        DROP TRIGGER IF EXISTS AspNetUsers_ChangeLog_Delete;
        DROP TRIGGER IF EXISTS AspNetUserRoles_ChangeLog_Insert;
        DROP TRIGGER IF EXISTS AspNetUserRoles_ChangeLog_Delete;
        DROP TRIGGER IF EXISTS OutboxMessages_ChangeLog_Insert;
        """;
}
