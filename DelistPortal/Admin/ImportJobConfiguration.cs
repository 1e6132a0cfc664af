using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DelistPortal.Admin;

internal sealed class ImportJobConfiguration : IEntityTypeConfiguration<ImportJob>
{
    public void Configure(EntityTypeBuilder<ImportJob> builder)
    {
        builder.ToTable("ImportJobs");
        builder.Property(j => j.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(j => j.FileName).HasMaxLength(ImportJob.MaxFileNameLength);
        builder.Property(j => j.StartedBy).HasMaxLength(254);
        builder.Property(j => j.ClientAddress).HasMaxLength(64);
        builder.Property(j => j.Owner).HasMaxLength(128);
        builder.Property(j => j.Failure).HasMaxLength(1000);
        // One running import in the whole database, whichever process (or node) starts it.
        builder.HasIndex(j => j.State, "IX_ImportJobs_Running").IsUnique().HasFilter("\"State\" = 'Running'");
    }
}
