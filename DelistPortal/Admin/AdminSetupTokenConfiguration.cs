using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DelistPortal.Admin;

internal sealed class AdminSetupTokenConfiguration : IEntityTypeConfiguration<AdminSetupToken>
{
    public void Configure(EntityTypeBuilder<AdminSetupToken> builder) => builder.ToTable("AdminSetupTokens");
}
