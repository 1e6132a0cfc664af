using DelistPortal.Portal;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DelistPortal.Delisting;

internal sealed class DelistRequestConfiguration : IEntityTypeConfiguration<DelistRequest>
{
    public void Configure(EntityTypeBuilder<DelistRequest> builder)
    {
        builder.ToTable("DelistRequests");
        builder.Property(r => r.Reference).HasMaxLength(16);
        builder.HasIndex(r => r.Reference).IsUnique();
        builder.Property(r => r.Email).HasMaxLength(EmailAddressInput.MaxLength);
        // Stored as its text, as it always was; the code carries the parsed address.
        builder.Property(r => r.IpAddress).HasMaxLength(64)
            .HasConversion(address => address.ToString(), text => System.Net.IPAddress.Parse(text));
        // Concurrency tokens: of two Delist clicks, or a click and a resend, only the first one saves.
        builder.Property(r => r.State).HasConversion<string>().HasMaxLength(32).IsConcurrencyToken();
        builder.Property(r => r.TokenHash).HasMaxLength(32).IsConcurrencyToken();
        builder.Property(r => r.ConfirmationsSent).IsConcurrencyToken();
        builder.Property(r => r.RequestedFromAddress).HasMaxLength(64);
        builder.Property(r => r.Culture).HasMaxLength(16).HasDefaultValue(PortalCultures.Default);
        builder.Property(r => r.ClientGroup).HasMaxLength(64);
        builder.Property(r => r.TargetRange).HasMaxLength(64);
        // The submission limits count recent requests by each of these.
        builder.HasIndex(r => new { r.ClientGroup, r.CreatedAt });
        builder.HasIndex(r => new { r.Email, r.CreatedAt });
        builder.HasIndex(r => new { r.IpAddress, r.CreatedAt });
        builder.HasIndex(r => new { r.TargetRange, r.CreatedAt });
        builder.Property(r => r.CompletedFromAddress).HasMaxLength(64);
        builder.Property(r => r.DelistedNetworks).HasMaxLength(2000);
        builder.Property(r => r.ExceptedNetwork).HasMaxLength(64);
        builder.Property(r => r.ExceptedFrom).HasMaxLength(2000);
        builder.Property(r => r.DecidedBy).HasMaxLength(256);
        builder.Property(r => r.DecisionMessage).HasMaxLength(2000);
        builder.HasIndex(r => new { r.State, r.CreatedAt });
    }
}
