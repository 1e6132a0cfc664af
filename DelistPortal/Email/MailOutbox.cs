using DelistPortal.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DelistPortal.Email;

/// <summary>
/// Puts every mail the portal sends into the outbox, inside the caller's unit of work, and wakes the sender after
/// commit; an <see cref="IOutboxMailWriter"/> per kind writes the mail when it is due.
/// </summary>
public sealed class MailOutbox(IDataProtectionProvider dataProtection, IOptions<OutboxOptions> options)
{
    // The purpose string predates other kinds of mail; changing it would make queued confirmation links unreadable.
    private readonly IDataProtector _protector = dataProtection.CreateProtector("DelistPortal.Outbox.ConfirmationToken");
    private readonly SemaphoreSlim _wake = new(0);

    public OutboxOptions Options => options.Value;

    /// <summary>
    /// Adds a mail of <paramref name="kind"/> about <paramref name="requestId"/> and supersedes older unsent mail of
    /// the same kind and request (a confirmation's older links no longer work).
    /// </summary>
    /// <param name="secret">Stored encrypted (the database alone cannot open it) and erased once sent or superseded.</param>
    public async Task EnqueueAsync(PortalDbContext db, string kind, Guid requestId, string? secret, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var older = await db.OutboxMessages
            .Where(m => m.Kind == kind && m.DelistRequestId == requestId && m.SentAt == null && m.GaveUpAt == null && m.SupersededAt == null)
            .ToListAsync(cancellationToken);
        foreach (var message in older)
        {
            message.SupersededAt = now;
            message.ProtectedToken = null;
        }
        db.OutboxMessages.Add(new OutboxMessage
        {
            Kind = kind,
            DelistRequestId = requestId,
            ProtectedToken = secret is null ? null : _protector.Protect(secret),
            CreatedAt = now,
            NextAttemptAt = now,
        });
    }

    /// <summary>Tells the sender there is mail now, rather than at its next poll.</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    /// <summary>The secret given to <see cref="EnqueueAsync"/>, for the writer of the mail; null once erased.</summary>
    public string? SecretOf(OutboxMessage message) => message.ProtectedToken is null ? null : _protector.Unprotect(message.ProtectedToken);

    /// <summary>Returns when woken or after <paramref name="timeout"/>; throws only when <paramref name="cancellationToken"/> fires.</summary>
    internal Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wake.WaitAsync(timeout, cancellationToken);
}
