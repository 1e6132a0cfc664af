using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DelistPortal.Blocklist;

internal sealed class ListingSearchRowConfiguration : IEntityTypeConfiguration<ListingSearchRow>
{
    public void Configure(EntityTypeBuilder<ListingSearchRow> builder)
    {
        // The virtual table is made by hand-written SQL (ListingSearch migration), not by EF.
        builder.HasNoKey().ToTable("ListingSearch", table => table.ExcludeFromMigrations());
        builder.Property(r => r.RowId).HasColumnName("rowid");
        builder.Property(r => r.Query).HasColumnName("ListingSearch");
    }
}
