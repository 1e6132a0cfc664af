using System.Text.RegularExpressions;
using MimeKit;

namespace DelistPortal.Tests.Support;

public static partial class MailLinks
{
    /// <summary>The confirmation link in a mail's plain-text part, as a person would copy it.</summary>
    public static Uri ConfirmationLink(MimeMessage message)
    {
        var match = ConfirmLink().Match(message.TextBody ?? "");
        return match.Success ? new Uri(match.Value) : throw new InvalidOperationException("The mail has no confirmation link.");
    }

    [GeneratedRegex(@"https?://\S+/confirm\?\S+")]
    private static partial Regex ConfirmLink();
}
