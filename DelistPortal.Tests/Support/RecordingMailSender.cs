using DelistPortal.Email;
using MimeKit;

namespace DelistPortal.Tests.Support;

/// <summary>Keeps messages instead of sending them, for service tests; can play a mail server that is down.</summary>
public sealed class RecordingMailSender : IMailSender
{
    private readonly List<MimeMessage> _sent = [];

    public IReadOnlyList<MimeMessage> Sent => _sent;

    private int _inFlight;

    public bool ServerDown { get; set; }

    /// <summary>While set, each delivery waits for it: a slow mail server, to see how many mails arrive at once.</summary>
    public Task? Holding { get; set; }

    /// <summary>Deliveries started and not yet finished.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        if (ServerDown)
        {
            throw new MailDeliveryException("The test mail server is down.");
        }
        Interlocked.Increment(ref _inFlight);
        try
        {
            if (Holding is { } holding)
            {
                await holding.WaitAsync(cancellationToken);
            }
            lock (_sent)
            {
                _sent.Add(message);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
