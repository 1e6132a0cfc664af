using MimeKit;

namespace DelistPortal.Email;

/// <summary>
/// The embedded stand-in for an SMTP server: each message becomes an .eml file in one folder, which the Mailbox page
/// reads. Lets a newcomer finish the flow with no mail account.
/// </summary>
public sealed class MailboxFolder(string path, TimeProvider time) : IMailSender
{
    private const int MaxMessagesShown = 200;

    public string Path { get; } = path;

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path);
        // Sortable by time, unique without coordination.
        var name = $"{time.GetUtcNow():yyyyMMdd'T'HHmmssfff}-{Guid.NewGuid():N}.eml";
        // Written aside and moved in, so a reader (the Mailbox page, a test) never opens a half-written .eml.
        var partial = System.IO.Path.Combine(Path, name + ".partial");
        await message.WriteToAsync(partial, cancellationToken);
        File.Move(partial, System.IO.Path.Combine(Path, name));
    }

    /// <summary>The id of the newest message (as <see cref="ReadAsync"/> gives it), without reading any; null when there is none.</summary>
    public string? NewestId() => MessageFiles().Max() is { } newest ? System.IO.Path.GetFileNameWithoutExtension(newest) : null;

    /// <summary>The messages' files, whose names sort by time (<see cref="SendAsync"/>); none before the first.</summary>
    private IEnumerable<string> MessageFiles() => Directory.Exists(Path) ? Directory.EnumerateFiles(Path, "*.eml") : [];

    /// <summary>The newest messages first.</summary>
    public async Task<IReadOnlyList<MailboxMessage>> ReadAsync(CancellationToken cancellationToken)
    {
        var files = MessageFiles().OrderDescending().Take(MaxMessagesShown);
        var messages = new List<MailboxMessage>();
        foreach (var file in files)
        {
            var message = await MimeMessage.LoadAsync(file, cancellationToken);
            messages.Add(new MailboxMessage(
                System.IO.Path.GetFileNameWithoutExtension(file),
                message.To.ToString(),
                message.Subject ?? "",
                message.Date,
                message.HtmlBody ?? "",
                message.TextBody ?? ""));
        }
        return messages;
    }
}

public sealed record MailboxMessage(string Id, string To, string Subject, DateTimeOffset Date, string HtmlBody, string TextBody);
