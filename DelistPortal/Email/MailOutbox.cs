using DelistPortal.Data;
using DelistPortal.Delisting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DelistPortal.Email;

/// <summary>Puts confirmation mail into the outbox, inside the caller's unit of work, and wakes the sender after commit.</summary>
public sealed class MailOutbox(IDataProtectionProvider dataProtection, IOptions<OutboxOptions> options)
{
    private readonly IDataProtector _protector = dataProtection.CreateProtector("DelistPortal.Outbox.ConfirmationToken");
    private readonly SemaphoreSlim _wake = new(0);

    public OutboxOptions Options => options.Value;

    /// <summary>Adds the mail for <paramref name="token"/> and supersedes older unsent mail of the same request (their links no longer work).</summary>
    public async Task EnqueueConfirmationAsync(PortalDbContext db, DelistRequest request, ConfirmationToken token, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var older = await db.OutboxMessages
            .Where(m => m.DelistRequestId == request.Id && m.SentAt == null && m.GaveUpAt == null && m.SupersededAt == null)
            .ToListAsync(cancellationToken);
        foreach (var message in older)
        {
            message.SupersededAt = now;
            message.ProtectedToken = null;
        }
        db.OutboxMessages.Add(new OutboxMessage
        {
            DelistRequestId = request.Id,
            ProtectedToken = _protector.Protect(token.Value),
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

    internal string Unprotect(string protectedToken) => _protector.Unprotect(protectedToken);

    /// <summary>Returns when woken or after <paramref name="timeout"/>; throws only when <paramref name="cancellationToken"/> fires.</summary>
    internal Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wake.WaitAsync(timeout, cancellationToken);
}
