namespace DelistPortal.Admin;

public enum ImportJobState
{
    Running,
    Finished,
    Failed,
    /// <summary>Stopped before the end: the portal stopped, or its process died and the lease ran out.</summary>
    Interrupted,
}

/// <summary>
/// A CSV import running in the background, or one that ran. At most one is <see cref="ImportJobState.Running"/> at a
/// time in the whole database (a unique index), whichever process runs it; that process renews
/// <see cref="LeaseExpiresAt"/> while it works, so a job whose process died stops blocking imports once the lease ends.
/// </summary>
public sealed class ImportJob
{
    public const int MaxFileNameLength = 260;

    public int Id { get; set; }

    public ImportJobState State { get; set; }

    public required string FileName { get; set; }

    public required string StartedBy { get; set; }

    public string? ClientAddress { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The process that runs the job (machine, process id and a random part).</summary>
    public required string Owner { get; set; }

    /// <summary>Until when the job counts as running without a new heartbeat from its process.</summary>
    public DateTimeOffset LeaseExpiresAt { get; set; }

    /// <summary>The valid rows of the file, as the preview counted them.</summary>
    public int TotalRows { get; set; }

    public int ProcessedRows { get; set; }

    public int Listed { get; set; }

    public int AlreadyListed { get; set; }

    /// <summary>Rows the listing policy refused while importing (an expiry that had passed by then, for example).</summary>
    public int Refused { get; set; }

    /// <summary>Rows of the file with errors (the ones the check before the import listed), left out of the import.</summary>
    public int Invalid { get; set; }

    /// <summary>The first refused rows (line, kind, value) as JSON.</summary>
    public string? RefusedRows { get; set; }

    /// <summary>Why a failed or interrupted job stopped: one of <see cref="ImportFailure"/>'s codes (the page words it).</summary>
    public string? Failure { get; set; }
}

/// <summary>Why an import stopped before its end.</summary>
public static class ImportFailure
{
    /// <summary>The portal was stopped (or restarted) while the import ran.</summary>
    public const string PortalStopped = "PortalStopped";

    /// <summary>Its process stopped renewing the lease (it died, or hung); noticed by another start.</summary>
    public const string ProcessStoppedAnswering = "ProcessStoppedAnswering";

    /// <summary>An error; the log has it.</summary>
    public const string Error = "Error";
}
