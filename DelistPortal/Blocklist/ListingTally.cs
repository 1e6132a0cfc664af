using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DelistPortal.Blocklist;

/// <summary>
/// How many listings have each status and reason: the admin grid's exact totals without counting a million rows.
/// Kept by triggers on Listings (<see cref="ListingTallies"/>), so every writer (EF, the import's batch statement,
/// another process) keeps it right; the model only reads it.
/// </summary>
public sealed class ListingTally
{
    public ListingStatus Status { get; set; }

    public ListingReason Reason { get; set; }

    public int Count { get; set; }
}

internal sealed class ListingTallyConfiguration : IEntityTypeConfiguration<ListingTally>
{
    public void Configure(EntityTypeBuilder<ListingTally> builder)
    {
        builder.ToTable("ListingTallies");
        builder.HasKey(t => new { t.Status, t.Reason });
        builder.Property(t => t.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(t => t.Reason).HasConversion<string>().HasMaxLength(32);
    }
}

public static class ListingTallies
{
    /// <summary>The triggers, and the tallies of the listings already there. Run by the migration of the same name.</summary>
    public const string CreateSqlite = """
        CREATE TRIGGER Listings_Tally_Insert AFTER INSERT ON Listings BEGIN
            INSERT INTO ListingTallies (Status, Reason, Count) VALUES (new.Status, new.Reason, 1)
                ON CONFLICT (Status, Reason) DO UPDATE SET Count = Count + 1;
        END;
        CREATE TRIGGER Listings_Tally_Update AFTER UPDATE OF Status, Reason ON Listings
            WHEN old.Status IS NOT new.Status OR old.Reason IS NOT new.Reason BEGIN
            UPDATE ListingTallies SET Count = Count - 1 WHERE Status = old.Status AND Reason = old.Reason;
            INSERT INTO ListingTallies (Status, Reason, Count) VALUES (new.Status, new.Reason, 1)
                ON CONFLICT (Status, Reason) DO UPDATE SET Count = Count + 1;
        END;
        CREATE TRIGGER Listings_Tally_Delete AFTER DELETE ON Listings BEGIN
            UPDATE ListingTallies SET Count = Count - 1 WHERE Status = old.Status AND Reason = old.Reason;
        END;
        INSERT INTO ListingTallies (Status, Reason, Count) SELECT Status, Reason, COUNT(*) FROM Listings GROUP BY Status, Reason;
        """;

    /// <summary>PostgreSQL's counterpart of <see cref="CreateSqlite"/>.</summary>
    public const string CreatePostgreSql = """
        CREATE FUNCTION listing_tally() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                UPDATE "ListingTallies" SET "Count" = "Count" - 1 WHERE "Status" = OLD."Status" AND "Reason" = OLD."Reason";
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                INSERT INTO "ListingTallies" ("Status", "Reason", "Count") VALUES (NEW."Status", NEW."Reason", 1)
                    ON CONFLICT ("Status", "Reason") DO UPDATE SET "Count" = "ListingTallies"."Count" + 1;
            END IF;
            RETURN NULL;
        END
        $body$;
        CREATE TRIGGER "Listings_Tally_InsertDelete" AFTER INSERT OR DELETE ON "Listings"
            FOR EACH ROW EXECUTE FUNCTION listing_tally();
        CREATE TRIGGER "Listings_Tally_Update" AFTER UPDATE OF "Status", "Reason" ON "Listings"
            FOR EACH ROW WHEN (OLD."Status" IS DISTINCT FROM NEW."Status" OR OLD."Reason" IS DISTINCT FROM NEW."Reason")
            EXECUTE FUNCTION listing_tally();
        """;

    public const string DropPostgreSql = """
        DROP FUNCTION IF EXISTS listing_tally() CASCADE;
        """;

    /// <summary>
    /// What replaces <see cref="CreatePostgreSql"/> (migration "StatementLevelListingTriggers"): one tally update per
    /// status and reason per statement, counted from the statement's transition tables. A row trigger updated the same
    /// few tally rows once per listing, and PostgreSQL keeps every version of a row until its transaction ends, so a
    /// 50,000-row import batch spent most of its time stepping over the versions it had just made. A transition table
    /// allows one event per trigger, hence three triggers; an update that changes neither status nor reason nets to
    /// zero and writes nothing. Rows are taken in key order so that two writers lock the tallies in the same order.
    /// </summary>
    public const string CreateStatementLevelPostgreSql = """
        CREATE FUNCTION listing_tally_statement() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                INSERT INTO "ListingTallies" ("Status", "Reason", "Count")
                    SELECT "Status", "Reason", COUNT(*) FROM new_listings GROUP BY "Status", "Reason" ORDER BY "Status", "Reason"
                    ON CONFLICT ("Status", "Reason") DO UPDATE SET "Count" = "ListingTallies"."Count" + EXCLUDED."Count";
            ELSIF TG_OP = 'DELETE' THEN
                UPDATE "ListingTallies" AS t SET "Count" = t."Count" - d.removed
                    FROM (SELECT "Status", "Reason", COUNT(*) AS removed FROM old_listings GROUP BY "Status", "Reason"
                          ORDER BY "Status", "Reason") AS d
                    WHERE t."Status" = d."Status" AND t."Reason" = d."Reason";
            ELSE
                INSERT INTO "ListingTallies" ("Status", "Reason", "Count")
                    SELECT "Status", "Reason", SUM(change) FROM (
                        SELECT "Status", "Reason", 1 AS change FROM new_listings
                        UNION ALL SELECT "Status", "Reason", -1 FROM old_listings) AS changes
                    GROUP BY "Status", "Reason" HAVING SUM(change) <> 0 ORDER BY "Status", "Reason"
                    ON CONFLICT ("Status", "Reason") DO UPDATE SET "Count" = "ListingTallies"."Count" + EXCLUDED."Count";
            END IF;
            RETURN NULL;
        END
        $body$;
        CREATE TRIGGER "Listings_Tally_Insert" AFTER INSERT ON "Listings"
            REFERENCING NEW TABLE AS new_listings FOR EACH STATEMENT EXECUTE FUNCTION listing_tally_statement();
        CREATE TRIGGER "Listings_Tally_Update" AFTER UPDATE ON "Listings"
            REFERENCING OLD TABLE AS old_listings NEW TABLE AS new_listings FOR EACH STATEMENT EXECUTE FUNCTION listing_tally_statement();
        CREATE TRIGGER "Listings_Tally_Delete" AFTER DELETE ON "Listings"
            REFERENCING OLD TABLE AS old_listings FOR EACH STATEMENT EXECUTE FUNCTION listing_tally_statement();
        """;

    public const string DropStatementLevelPostgreSql = """
        DROP FUNCTION IF EXISTS listing_tally_statement() CASCADE;
        """;

    public const string DropSqlite = """
        DROP TRIGGER IF EXISTS Listings_Tally_Insert;
        DROP TRIGGER IF EXISTS Listings_Tally_Update;
        DROP TRIGGER IF EXISTS Listings_Tally_Delete;
        """;
}
