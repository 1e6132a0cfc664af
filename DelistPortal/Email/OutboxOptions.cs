using System.ComponentModel.DataAnnotations;

namespace DelistPortal.Email;

public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>How often the sender looks for due mail when nothing wakes it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The wait after the first failure; it doubles with each attempt (with ±20 % jitter).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(15);

    [Range(typeof(TimeSpan), "00:00:00.050", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>After this many failed attempts a mail is given up and shown to admins.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 10;

    /// <summary>How many mails one process hands to the mail server at once (each over its own connection).</summary>
    [Range(1, 32)]
    public int Concurrency { get; set; } = 4;

    /// <summary>Mail due for longer than this makes /health/ready report the outbox as degraded.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan BacklogWarning { get; set; } = TimeSpan.FromMinutes(5);
}
