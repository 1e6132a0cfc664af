using MimeKit;

namespace DelistPortal.Email;

/// <summary>Delivers a finished message. Throws <see cref="MailDeliveryException"/> when it cannot.</summary>
public interface IMailSender
{
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

public sealed class MailDeliveryException(string message, Exception? inner = null) : Exception(message, inner);
