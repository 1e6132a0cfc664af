namespace DelistPortal.Data;

/// <summary>
/// The triggers that write the change log (<see cref="ChangeLog.ChangeLogEntry"/>) in the transaction of every
/// change to a listing, a range exception, an account's sign-in state (security stamp, roles, removal) or the mail outbox — whoever
/// makes it: this process, another one, or plain SQL. Applied by the migration "ChangeLog".
/// </summary>
public static class ChangeLogTriggers
{
    /// <summary>Unix milliseconds from the database's clock (works on every SQLite version the provider ships).</summary>
    public const string NowMillisecondsSqlite = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

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
