using DelistPortal.Data;
using MimeKit;

namespace DelistPortal.Email;

/// <summary>
/// Writes one kind of outbox mail when it is due. The outbox stores only the kind and what it is about, so each
/// mail is written at send time from the current data, in the language of the request it answers.
/// </summary>
public interface IOutboxMailWriter
{
    /// <summary>The <see cref="OutboxMessage.Kind"/> this writer handles.</summary>
    string Kind { get; }

    /// <summary>The mail to send, or null when it is no longer wanted (a newer link, a request that moved on).</summary>
    Task<OutboxMail?> WriteAsync(PortalDbContext db, OutboxMessage message, CancellationToken cancellationToken);

    /// <summary>Called when the last attempt failed, so the feature can show it where its admins look; saved by the caller.</summary>
    Task GaveUpAsync(PortalDbContext db, OutboxMessage message, CancellationToken cancellationToken);
}

/// <param name="Reference">What the logs name the mail by (the request's reference); never a secret.</param>
public sealed record OutboxMail(MimeMessage Message, string Reference);
