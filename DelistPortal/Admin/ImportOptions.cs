using System.ComponentModel.DataAnnotations;

namespace DelistPortal.Admin;

public sealed class ImportOptions : IValidatableObject
{
    public const string Section = "Import";

    /// <summary>
    /// How long a running import counts as running without news from its process. The process renews it every
    /// <see cref="HeartbeatInterval"/>; if the process dies, another import can start once it has run out.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a running import records its progress and renews its lease.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:30:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>SQLite's page cache for the import's own connection while it runs (released when it ends).</summary>
    [Range(2, 4096)]
    public int PageCacheMegabytes { get; set; } = 256;

    /// <summary>
    /// Rows written per transaction. Each commit writes every index page the batch touched, and an import's networks
    /// land all over the address indexes, so past a few hundred thousand listings a batch writes nearly every page of
    /// them whatever its size: larger batches write them fewer times (a million rows: 50,000 a batch took half the
    /// CPU of 10,000; docs/benchmarks-admin.md). Other writers wait for at most one batch (a second or two).
    /// </summary>
    [Range(100, 100_000)]
    public int BatchRows { get; set; } = ListingImporter.BatchSize;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (HeartbeatInterval * 2 > LeaseDuration)
        {
            yield return new ValidationResult(
                $"Import:HeartbeatInterval ({HeartbeatInterval}) must be at most half of Import:LeaseDuration ({LeaseDuration}), or a slow heartbeat would let another import start.",
                [nameof(HeartbeatInterval), nameof(LeaseDuration)]);
        }
    }
}
