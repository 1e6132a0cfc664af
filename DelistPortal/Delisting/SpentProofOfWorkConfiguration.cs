using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DelistPortal.Delisting;

internal sealed class SpentProofOfWorkConfiguration : IEntityTypeConfiguration<SpentProofOfWork>
{
    public void Configure(EntityTypeBuilder<SpentProofOfWork> builder)
    {
        builder.ToTable("SpentProofsOfWork");
        // The primary key is the "used once" rule: a second insert of one challenge fails, in any process.
        builder.HasKey(p => p.Challenge);
        builder.Property(p => p.Challenge).HasMaxLength(SpentProofOfWork.ChallengeLength);
        builder.HasIndex(p => p.ExpiresAt);
    }
}
