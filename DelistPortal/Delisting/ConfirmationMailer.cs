using DelistPortal.Blocklist;
using DelistPortal.Components.Shared;
using DelistPortal.Email;
using DelistPortal.Email.Templates;
using DelistPortal.Hosting;
using DelistPortal.Resources;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MimeKit;

namespace DelistPortal.Delisting;

/// <summary>Writes and sends the mail that carries a request's confirmation link.</summary>
public sealed class ConfirmationMailer(
    IMailSender sender,
    BlocklistService blocklist,
    MailTemplateRenderer renderer,
    IStringLocalizer<Strings> localizer,
    IOptions<PortalOptions> portal,
    IOptions<MailOptions> mail)
{
    /// <summary>The link is built from the configured public address only, never from the request that asked for it.</summary>
    public Uri LinkFor(DelistRequest request, ConfirmationToken token) =>
        new(portal.Value.GetPublicBaseUri(), $"confirm?request={Uri.EscapeDataString(request.Reference)}&token={token.Value}");

    /// <summary>Sends the mail in the language the sender used for the request, whoever triggers it.</summary>
    public async Task SendConfirmationAsync(DelistRequest request, ConfirmationToken token, CancellationToken cancellationToken)
    {
        // The ranges the address lies in, as they are now: the mail says that confirming frees the address only.
        var plan = await blocklist.PlanDelistAsync(System.Net.IPAddress.Parse(request.IpAddress), cancellationToken);
        var message = await PortalCultures.RunInAsync(request.Culture, () => WriteAsync(request, token, plan));
        await sender.SendAsync(message, cancellationToken);
    }

    private async Task<MimeMessage> WriteAsync(DelistRequest request, ConfirmationToken token, DelistPlan plan)
    {
        var link = LinkFor(request, token);
        var expiresAt = Times.Utc(request.TokenExpiresAt);
        var model = new ConfirmationMailModel(request.IpAddress, request.Reference, link.AbsoluteUri, expiresAt,
            plan.Excepted.Count > 0 ? plan.ExceptionNetwork.ToString() : null, plan.ExceptedFrom);
        var html = await renderer.RenderAsync<ConfirmationMail>(new Dictionary<string, object?> { [nameof(ConfirmationMail.Model)] = model });

        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(mail.Value.FromName, mail.Value.FromAddress));
        message.To.Add(MailboxAddress.Parse(request.Email));
        message.Subject = localizer["Mail_Subject", request.IpAddress];
        message.Headers.Add("X-Delist-Reference", request.Reference);
        message.Body = new BodyBuilder { HtmlBody = html, TextBody = TextBody(model) }.ToMessageBody();
        message.Body.Headers.Add(HeaderId.ContentLanguage, PortalCultures.Resolve(request.Culture));
        return message;
    }

    private string TextBody(ConfirmationMailModel model) => string.Join("\n\n", new[]
    {
        localizer["Mail_Intro", model.IpAddress].Value,
        model.ExceptedNetwork is null ? null : localizer["Mail_RangeNote", model.IpAddress, model.ExceptedFrom ?? "", model.ExceptedNetwork].Value,
        localizer["Mail_Action"].Value,
        model.Link,
        localizer["Mail_Expires", model.ExpiresAt].Value,
        localizer["Mail_Ignore"].Value,
        localizer["Mail_Reference", model.Reference].Value,
    }.Where(line => line is not null)) + "\n";
}
