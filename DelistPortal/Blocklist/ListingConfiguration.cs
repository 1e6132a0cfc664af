using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DelistPortal.Blocklist;

internal sealed class ListingConfiguration : IEntityTypeConfiguration<Listing>
{
    public void Configure(EntityTypeBuilder<Listing> builder)
    {
        builder.ToTable("Listings");
        builder.Property(l => l.Network).HasMaxLength(64);
        builder.Property(l => l.RangeStart).HasMaxLength(32).IsFixedLength();
        builder.Property(l => l.RangeEnd).HasMaxLength(32).IsFixedLength();
        builder.Property(l => l.Reason).HasConversion<string>().HasMaxLength(32);
        builder.Property(l => l.Source).HasConversion<string>().HasMaxLength(16);
        builder.Property(l => l.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(l => l.Detail).HasMaxLength(Listing.MaxDetailLength);
        builder.Property(l => l.Version).IsConcurrencyToken();
        builder.Ignore(l => l.IpNetwork);
        builder.ComplexProperty(l => l.Evidence, evidence =>
            evidence.Property(e => e.HeloName).HasMaxLength(ListingEvidence.MaxHeloNameLength));

        // "Which listings contain this address": a seek per candidate start, then end >= key (ADR 009).
        // Named: an unnamed index on the same columns would be merged with the unique one below, leaving only the
        // partial (active-only) index, which searches over every status cannot use.
        builder.HasIndex(l => new { l.RangeStart, l.RangeEnd }, "IX_Listings_RangeStart_RangeEnd");
        // One active listing per network, even with two writers at the same instant.
        builder.HasIndex(l => new { l.RangeStart, l.RangeEnd }).IsUnique().HasFilter("\"Status\" = 'Active'")
            .HasDatabaseName("IX_Listings_ActiveNetwork");
        // The expiry worker (active listings whose expiry has passed), and the grid's status filter sorted by expiry.
        builder.HasIndex(l => new { l.Status, l.ExpiresAt });
        // The admin grid: for each filter it offers (none, status, reason, both) and each column it sorts by, an index
        // whose order is the page's order after the filter's equalities, so a page is a seek and a short walk
        // (ListingGridQuery). The listing's id, the tie-breaker, is the last column of every SQLite index.
        // Statuses other than Active are in partial indexes: an import (all Active) does not write them.
        builder.HasIndex(l => l.ListedAt);
        builder.HasIndex(l => new { l.Status, l.ListedAt });
        builder.HasIndex(l => new { l.Status, l.Reason, l.ListedAt });
        builder.HasIndex(l => new { l.Reason, l.ListedAt });
        builder.HasIndex(l => new { l.Reason, l.Status, l.ListedAt });
        builder.HasIndex(l => l.ExpiresAt);
        builder.HasIndex(l => new { l.Reason, l.ExpiresAt });
        builder.HasIndex(l => new { l.Status, l.Reason, l.ExpiresAt });
        builder.HasIndex(l => new { l.Reason, l.RangeStart, l.RangeEnd });
        builder.HasIndex(l => new { l.Status, l.RangeStart, l.RangeEnd }, "IX_Listings_EndedNetwork").HasFilter("\"Status\" <> 'Active'");
        builder.HasIndex(l => new { l.Status, l.Reason, l.RangeStart, l.RangeEnd }, "IX_Listings_EndedReasonNetwork").HasFilter("\"Status\" <> 'Active'");
    }
}
