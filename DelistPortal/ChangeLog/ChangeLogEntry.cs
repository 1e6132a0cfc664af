namespace DelistPortal.ChangeLog;

/// <summary>
/// One committed change, as every portal process learns of it: "this listing (or account, or the outbox) changed".
/// Entries are written by database triggers in the transaction that makes the change, so every code path, every
/// process and plain SQL write them alike. An entry carries no data: a follower reads the current row, which makes
/// applying an entry twice, or out of order, harmless (docs/decisions/006-change-log.md).
/// </summary>
public sealed class ChangeLogEntry
{
    /// <summary>Assigned in commit order; never reused (SQLite AUTOINCREMENT under its single write lock).</summary>
    public long Position { get; set; }

    /// <summary>What changed: one of <see cref="ChangeLogTopics"/>.</summary>
    public required string Topic { get; set; }

    /// <summary>The changed row's key, as text (a listing's id, an account's id).</summary>
    public required string Key { get; set; }

    /// <summary>When the trigger wrote it, in Unix milliseconds (for pruning; the database's clock).</summary>
    public long At { get; set; }
}

/// <summary>The topics the triggers write.</summary>
public static class ChangeLogTopics
{
    public const string Listing = "Listing";
    /// <summary>A <see cref="Blocklist.ListingException"/> (its id).</summary>
    public const string Exception = "Exception";
    public const string Account = "Account";
    public const string Outbox = "Outbox";
}

/// <summary>How far the log has been pruned: a follower behind this position has missed entries and reloads.</summary>
public sealed class ChangeLogHorizon
{
    public int Id { get; set; }

    public long PrunedThrough { get; set; }
}
