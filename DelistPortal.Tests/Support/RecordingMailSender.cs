using DelistPortal.Email;
using MimeKit;

namespace DelistPortal.Tests.Support;

/// <summary>Keeps messages instead of sending them, for service tests; can play a mail server that is down.</summary>
public sealed class RecordingMailSender : IMailSender
{
    private readonly List<MimeMessage> _sent = [];

    public IReadOnlyList<MimeMessage> Sent => _sent;

    public bool ServerDown { get; set; }

    public Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        if (ServerDown)
        {
            throw new MailDeliveryException("The test mail server is down.");
        }
        lock (_sent)
        {
            _sent.Add(message);
        }
        return Task.CompletedTask;
    }
}
