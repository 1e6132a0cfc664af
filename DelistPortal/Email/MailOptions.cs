using System.ComponentModel.DataAnnotations;
using DelistPortal.Portal;

namespace DelistPortal.Email;

public sealed class MailOptions : IValidatableObject
{
    public const string Section = "Mail";

    [Required, EmailAddress]
    public string FromAddress { get; set; } = "delist@portal.example";

    [Required, MaxLength(100)]
    public string FromName { get; set; } = "Delist portal";

    [Required]
    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>Without an SMTP host, mail is written to the mailbox folder and shown on the Mailbox page.</summary>
    public bool UsesSmtp => !string.IsNullOrWhiteSpace(Smtp.Host);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        NestedOptionsValidation.Validate(Smtp, nameof(Smtp));
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    /// <summary>None, StartTls, SslOnConnect or Auto (MailKit's choice from the port).</summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

public enum SmtpSecurity
{
    None,
    StartTls,
    SslOnConnect,
    Auto,
}
