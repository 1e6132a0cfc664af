using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Email;

/// <summary>
/// Delivers the outbox: due mail first, failures retried with exponential backoff and jitter, given up after
/// <see cref="OutboxOptions.MaxAttempts"/> (then counted on the admins' dashboard). On shutdown it stops waiting but
/// finishes the mail it is sending.
/// </summary>
public sealed class OutboxSender(
    IEnumerable<IOutboxMailWriter> writers,
    IMailSender sender,
    IDbContextFactory<PortalDbContext> dbFactory,
    MailOutbox outbox,
    TimeProvider time,
    ILogger<OutboxSender> logger,
    Portal.PortalMetrics? metrics = null) : BackgroundService
{
    private const int BatchSize = 20;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Keep going while there is due mail; the send itself is not cancelled by shutdown.
                while (await SendDueAsync() == BatchSize && !stoppingToken.IsCancellationRequested)
                {
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "The outbox could not be processed; trying again shortly");
            }
            try
            {
                await outbox.WaitForWorkAsync(outbox.Options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Sends what is due now, several at once; returns how many messages it handled.</summary>
    public async Task<int> SendDueAsync()
    {
        var now = time.GetUtcNow();
        List<long> due;
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            due = await db.OutboxMessages
                .Where(m => m.SentAt == null && m.GaveUpAt == null && m.SupersededAt == null && m.NextAttemptAt <= now)
                .OrderBy(m => m.NextAttemptAt)
                .Take(BatchSize)
                .Select(m => m.Id)
                .ToListAsync();
        }
        // One at a time, a mail cost the mail server's whole round trip (connect, greet, send, quit): a crowd of senders
        // after a large listing waited seconds for their links (docs/benchmarks-capacity.md). Each send has its own
        // context; the claim below still keeps two nodes from sending one message.
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = outbox.Options.Concurrency }, async (id, _) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            if (await db.OutboxMessages.FindAsync(id) is { SentAt: null, GaveUpAt: null, SupersededAt: null } message)
            {
                await SendAsync(db, message);
            }
        });
        return due.Count;
    }

    private async Task SendAsync(PortalDbContext db, OutboxMessage message)
    {
        var now = time.GetUtcNow();
        var writer = writers.FirstOrDefault(w => w.Kind == message.Kind)
            ?? throw new InvalidOperationException($"No writer is registered for outbox mail of kind {message.Kind}.");
        var mail = await writer.WriteAsync(db, message, CancellationToken.None);
        if (mail is null)
        {
            // The sender pressed Resend, or already used a link: this mail would say what is no longer true.
            message.SupersededAt = now;
            message.ProtectedToken = null;
            await SaveAsync(db);
            return;
        }

        // Claim the attempt first (concurrency token), so another node cannot send the same mail meanwhile.
        message.Attempts++;
        message.NextAttemptAt = now + RetryDelay(message.Attempts);
        message.Version++;
        if (!await SaveAsync(db))
        {
            return;
        }
        try
        {
            await sender.SendAsync(mail.Message, CancellationToken.None);
            message.SentAt = time.GetUtcNow();
            message.ProtectedToken = null;
            message.LastError = null;
            metrics?.OutboxAttempted(sent: true);
            logger.LogInformation("{Kind} mail for {Reference} sent (attempt {Attempt})", message.Kind, mail.Reference, message.Attempts);
        }
        catch (MailDeliveryException ex)
        {
            message.LastError = ex.Message;
            metrics?.OutboxAttempted(sent: false);
            if (message.Attempts >= outbox.Options.MaxAttempts)
            {
                metrics?.OutboxGaveUp();
                message.GaveUpAt = time.GetUtcNow();
                message.ProtectedToken = null;
                await writer.GaveUpAsync(db, message, CancellationToken.None);
                logger.LogError("{Kind} mail for {Reference} given up after {Attempts} attempts: {Error}",
                    message.Kind, mail.Reference, message.Attempts, ex.Message);
            }
            else
            {
                logger.LogWarning("{Kind} mail for {Reference} failed (attempt {Attempt}); next try at {NextAttempt}: {Error}",
                    message.Kind, mail.Reference, message.Attempts, message.NextAttemptAt, ex.Message);
            }
        }
        await SaveAsync(db);
    }

    /// <summary>first × 2^(n-1), capped, ±20 % so that many failed mails do not all retry in the same instant.</summary>
    private TimeSpan RetryDelay(int attempts)
    {
        var options = outbox.Options;
        var delay = Math.Min(options.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, attempts - 1), options.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(delay * (0.8 + Random.Shared.NextDouble() * 0.4));
    }

    private static async Task<bool> SaveAsync(PortalDbContext db)
    {
        try
        {
            await db.SaveChangesAsync();
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another node took this message; it is theirs now.
            db.ChangeTracker.Clear();
            return false;
        }
    }
}
