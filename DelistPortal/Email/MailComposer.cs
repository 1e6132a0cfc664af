using Microsoft.Extensions.Options;
using MimeKit;

namespace DelistPortal.Email;

/// <summary>The envelope every portal mail shares: sender, recipient, reference header, HTML and text bodies, language.</summary>
public sealed class MailComposer(IOptions<MailOptions> mail)
{
    /// <param name="paragraphs">The text body, a paragraph each; null ones are left out.</param>
    /// <param name="language">The language the mail is written in ("en", "fr"), for Content-Language.</param>
    public MimeMessage Compose(string to, string subject, string reference, string html, IEnumerable<string?> paragraphs, string language)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(mail.Value.FromName, mail.Value.FromAddress));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Headers.Add("X-Delist-Reference", reference);
        var text = string.Join("\n\n", paragraphs.Where(line => line is not null)) + "\n";
        message.Body = new BodyBuilder { HtmlBody = html, TextBody = text }.ToMessageBody();
        message.Body.Headers.Add(HeaderId.ContentLanguage, language);
        return message;
    }
}
