using DelistPortal.Blocklist;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DelistPortal.Data;

internal sealed class ListingConfiguration : IEntityTypeConfiguration<Listing>
{
    public void Configure(EntityTypeBuilder<Listing> builder)
    {
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

        // "Which listings contain this address": start <= key, then end >= key on the rows found.
        // Named: an unnamed index on the same columns would be merged with the unique one below, leaving only the
        // partial (active-only) index, which searches over every status cannot use.
        builder.HasIndex(l => new { l.RangeStart, l.RangeEnd }, "IX_Listings_RangeStart_RangeEnd");
        // One active listing per network, even with two writers at the same instant.
        builder.HasIndex(l => new { l.RangeStart, l.RangeEnd }).IsUnique().HasFilter("\"Status\" = 'Active'")
            .HasDatabaseName("IX_Listings_ActiveNetwork");
        builder.HasIndex(l => new { l.Status, l.ExpiresAt });
        // The admin grid's default view (active, newest first) and the dashboard's per-day counts.
        builder.HasIndex(l => new { l.Status, l.ListedAt });
        builder.HasIndex(l => new { l.Status, l.Reason, l.ListedAt });
        builder.HasIndex(l => l.ListedAt);
        // A reason filter over every status, sorted by network: walked in order instead of sorting every match.
        builder.HasIndex(l => new { l.Reason, l.RangeStart });
    }
}
