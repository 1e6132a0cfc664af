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
        builder.Property(l => l.Detail).HasMaxLength(1000);
        builder.Property(l => l.DelistedBy).HasMaxLength(254);
        builder.Property(l => l.DelistedFromAddress).HasMaxLength(64);
        builder.HasIndex(l => new { l.RangeStart, l.RangeEnd });
    }
}
