using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DelistPortal.ChangeLog;

internal sealed class ChangeLogEntryConfiguration : IEntityTypeConfiguration<ChangeLogEntry>
{
    public void Configure(EntityTypeBuilder<ChangeLogEntry> builder)
    {
        builder.ToTable("ChangeLog");
        builder.HasKey(e => e.Position);
        builder.Property(e => e.Topic).HasMaxLength(16);
        builder.Property(e => e.Key).HasMaxLength(64);
        // Written by the triggers (ChangeLogTriggers), which fill it in with the database's clock.
        builder.Property(e => e.At).HasDefaultValueSql(ChangeLogTriggers.NowMillisecondsSqlite);
        builder.HasIndex(e => e.At);
    }
}

/// <summary>On PostgreSQL the triggers' clock is PostgreSQL's (<see cref="IPostgreSqlConfiguration"/>).</summary>
internal sealed class ChangeLogEntryPostgreSqlConfiguration : IEntityTypeConfiguration<ChangeLogEntry>, IPostgreSqlConfiguration
{
    public void Configure(EntityTypeBuilder<ChangeLogEntry> builder) =>
        builder.Property(e => e.At).HasDefaultValueSql(ChangeLogTriggers.NowMillisecondsPostgreSql);
}

internal sealed class ChangeLogHorizonConfiguration : IEntityTypeConfiguration<ChangeLogHorizon>
{
    public void Configure(EntityTypeBuilder<ChangeLogHorizon> builder)
    {
        builder.ToTable("ChangeLogHorizon");
        builder.Property(h => h.Id).ValueGeneratedNever();
        builder.HasData(new ChangeLogHorizon { Id = 1, PrunedThrough = 0 });
    }
}
