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

    public const string DropSqlite = """
        DROP TRIGGER IF EXISTS Listings_Tally_Insert;
        DROP TRIGGER IF EXISTS Listings_Tally_Update;
        DROP TRIGGER IF EXISTS Listings_Tally_Delete;
        """;
}
