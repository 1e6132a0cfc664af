using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DelistPortal.Blocklist;

internal sealed class ListingExceptionConfiguration : IEntityTypeConfiguration<ListingException>
{
    public void Configure(EntityTypeBuilder<ListingException> builder)
    {
        builder.ToTable("ListingExceptions");
        builder.Property(e => e.Network).HasMaxLength(64);
        builder.Property(e => e.RangeStart).HasMaxLength(32).IsFixedLength();
        builder.Property(e => e.RangeEnd).HasMaxLength(32).IsFixedLength();
        builder.Property(e => e.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.ActorKind).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.ActorName).HasMaxLength(254);
        builder.Property(e => e.EndedBy).HasMaxLength(254);
        builder.Property(e => e.Version).IsConcurrencyToken();
        builder.Ignore(e => e.IpNetwork);
        builder.HasOne(e => e.Listing).WithMany().HasForeignKey(e => e.ListingId).OnDelete(DeleteBehavior.Restrict);

        // A range's exceptions, for its row in the grid and for ending them with it.
        builder.HasIndex(e => new { e.ListingId, e.Status });
        // "Which exceptions contain this address" and "is this network excepted" (superseding on a new listing).
        builder.HasIndex(e => new { e.RangeStart, e.RangeEnd });
        // One active exception of a network per range, even with two writers at the same instant.
        builder.HasIndex(e => new { e.ListingId, e.RangeStart, e.RangeEnd }).IsUnique().HasFilter("\"Status\" = 'Active'")
            .HasDatabaseName("IX_ListingExceptions_ActiveNetwork");
    }
}
