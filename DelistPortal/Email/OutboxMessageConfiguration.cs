using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DelistPortal.Email;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("OutboxMessages");
        // Mail queued before there were kinds of mail was all confirmation mail.
        builder.Property(m => m.Kind).HasMaxLength(64).HasDefaultValue("Confirmation");
        builder.Property(m => m.ProtectedToken).HasMaxLength(1000);
        builder.Property(m => m.LastError).HasMaxLength(1000);
        builder.Property(m => m.Version).IsConcurrencyToken();
        builder.HasIndex(m => new { m.SentAt, m.GaveUpAt, m.SupersededAt, m.NextAttemptAt });
        builder.HasIndex(m => m.DelistRequestId);
    }
}
