using System.ComponentModel.DataAnnotations;

namespace DelistPortal.ChangeLog;

public sealed class ChangeLogOptions
{
    public const string Section = "ChangeLog";

    /// <summary>
    /// How often a process looks for changes that other processes committed. Its own commits wake it at once; this
    /// bounds how late a change made elsewhere reaches this process's DNSBL (about half of it on average). One indexed
    /// read of the log's tail per poll: about 20 a second costs a process well under 1 % of a core.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Entries older than this are deleted; a process that falls further behind reloads everything.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often the worker prunes the log.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How often the worker refreshes the lookup index's snapshot file beside the database (when the log moved), from
    /// which a process starts and then catches up through the log; 0 turns it off (every start reads the table).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromMinutes(5);
}
