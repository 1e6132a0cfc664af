namespace DelistPortal.Email;

/// <summary>
/// A mail that must go out, stored in the same transaction as the change that calls for it, so neither a mail
/// server that is down nor a restart loses it. Sent by <see cref="OutboxSender"/> with retries.
/// </summary>
public class OutboxMessage
{
    public long Id { get; set; }

    /// <summary>Which <see cref="IOutboxMailWriter"/> writes this mail ("Confirmation", "ReviewOutcome").</summary>
    public required string Kind { get; set; }

    /// <summary>The request the mail answers: every mail the portal sends is about one, and written in its language.</summary>
    public required Guid DelistRequestId { get; set; }

    /// <summary>
    /// A secret the mail carries (a confirmation token), encrypted with Data Protection (the database alone cannot
    /// open a link), and erased once the mail is sent or superseded.
    /// </summary>
    public string? ProtectedToken { get; set; }

    public required DateTimeOffset CreatedAt { get; set; }

    public required DateTimeOffset NextAttemptAt { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>Set after the last attempt failed: the admins' dashboard counts these.</summary>
    public DateTimeOffset? GaveUpAt { get; set; }

    /// <summary>A newer mail for the same request replaced this one, or the request no longer waits for it.</summary>
    public DateTimeOffset? SupersededAt { get; set; }

    /// <summary>Concurrency token: two senders (two nodes) cannot both take the same message.</summary>
    public int Version { get; set; }

    public bool IsPending => SentAt is null && GaveUpAt is null && SupersededAt is null;
}
