using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DelistPortal.Blocklist;

internal sealed class ListingEventConfiguration : IEntityTypeConfiguration<ListingEvent>
{
    public void Configure(EntityTypeBuilder<ListingEvent> builder)
    {
        builder.ToTable("ListingEvents");
        builder.Property(e => e.Network).HasMaxLength(64);
        builder.Property(e => e.RangeStart).HasMaxLength(32).IsFixedLength();
        builder.Property(e => e.RangeEnd).HasMaxLength(32).IsFixedLength();
        builder.Property(e => e.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.ActorKind).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.ActorName).HasMaxLength(254);
        builder.Property(e => e.ClientAddress).HasMaxLength(64);
        builder.Property(e => e.Reason).HasMaxLength(ListingEvent.MaxReasonLength);
        builder.HasOne(e => e.Listing).WithMany().HasForeignKey(e => e.ListingId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(e => new { e.RangeStart, e.RangeEnd });
        builder.HasIndex(e => e.At);
        builder.HasIndex(e => new { e.Kind, e.At });
        // The history's actor-kind filter reads its pages in time order from here (a million imported events would
        // otherwise be walked to find one admin's).
        builder.HasIndex(e => new { e.ActorKind, e.At });
    }
}
