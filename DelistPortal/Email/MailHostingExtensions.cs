using DelistPortal.Portal;
using Microsoft.Extensions.Options;

namespace DelistPortal.Email;

public static class MailHostingExtensions
{
    /// <summary>
    /// The outbox, its sender and the way out (SMTP, or the mailbox folder without an SMTP host). The sender runs as a
    /// background service in the worker role only (Hosting); features add an <see cref="IOutboxMailWriter"/> per kind of mail.
    /// </summary>
    public static IServiceCollection AddMail(this IServiceCollection services)
    {
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MailTemplateRenderer>();
        services.AddSingleton<MailOutbox>();
        services.AddSingleton<MailComposer>();
        services.AddSingleton<OutboxSender>();
        services.AddSingleton(provider => new MailboxFolder(
            Path.Combine(provider.GetRequiredService<IOptions<PortalOptions>>().Value.DataDirectoryPath, "mailbox"),
            provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<SmtpMailSender>();
        services.AddSingleton<IMailSender>(provider =>
            provider.GetRequiredService<IOptions<MailOptions>>().Value.UsesSmtp
                ? provider.GetRequiredService<SmtpMailSender>()
                : provider.GetRequiredService<MailboxFolder>());
        return services;
    }
}
