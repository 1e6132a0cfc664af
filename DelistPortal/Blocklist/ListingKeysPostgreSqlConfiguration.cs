using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DelistPortal.Blocklist;

/// <summary>
/// ADR 002: the hex address keys compare and sort bytewise only under the "C" collation (the database's default
/// collation may be a locale's). Not fixed-length: character(n) compared with a text parameter is cast to text, which
/// the index on it cannot serve. PostgreSQL only (<see cref="IPostgreSqlConfiguration"/>).
/// </summary>
internal sealed class ListingKeysPostgreSqlConfiguration :
    IEntityTypeConfiguration<Listing>, IEntityTypeConfiguration<ListingEvent>, IEntityTypeConfiguration<ListingException>, IPostgreSqlConfiguration
{
    public void Configure(EntityTypeBuilder<Listing> builder) => Keys(builder);

    public void Configure(EntityTypeBuilder<ListingEvent> builder) => Keys(builder);

    public void Configure(EntityTypeBuilder<ListingException> builder) => Keys(builder);

    private static void Keys<T>(EntityTypeBuilder<T> builder) where T : class
    {
        foreach (var key in new[] { nameof(Listing.RangeStart), nameof(Listing.RangeEnd) })
        {
            builder.Property(key).IsFixedLength(false).UseCollation("C");
        }
    }
}
