using DelistPortal.Blocklist;
using DelistPortal.Data;
using DelistPortal.Delisting.Mail;
using DelistPortal.Email;
using DelistPortal.Portal;
using DelistPortal.Resources;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MimeKit;

namespace DelistPortal.Delisting;

/// <summary>Writes the mail that carries a request's confirmation link, when the outbox sends it.</summary>
public sealed class ConfirmationMailer(
    BlocklistService blocklist,
    MailOutbox outbox,
    MailComposer composer,
    MailTemplateRenderer renderer,
    IStringLocalizer<Strings> localizer,
    IOptions<PortalOptions> portal) : IOutboxMailWriter
{
    public const string MailKind = "Confirmation";

    public string Kind => MailKind;

    /// <summary>The link is built from the configured public address only, never from the request that asked for it.</summary>
    public Uri LinkFor(DelistRequest request, ConfirmationToken token) =>
        new(portal.Value.GetPublicBaseUri(), $"confirm?request={Uri.EscapeDataString(request.Reference)}&token={token.Value}");

    /// <summary>Writes the mail in the language the sender used for the request, whoever triggers it; null once its link would not work.</summary>
    public async Task<OutboxMail?> WriteAsync(PortalDbContext db, OutboxMessage message, CancellationToken cancellationToken)
    {
        var request = await db.DelistRequests.FirstOrDefaultAsync(r => r.Id == message.DelistRequestId, cancellationToken);
        var token = outbox.SecretOf(message);
        if (request is null || request.State != DelistRequestState.AwaitingConfirmation || !ConfirmationToken.Matches(token, request.TokenHash))
        {
            return null;
        }
        // The ranges the address lies in, as they are now: the mail says that confirming frees the address only.
        var plan = await blocklist.PlanDelistAsync(request.IpAddress, cancellationToken);
        var mail = await PortalCultures.RunInAsync(request.Culture, () => WriteAsync(request, new ConfirmationToken(token!, request.TokenHash), plan));
        return new OutboxMail(mail, request.Reference);
    }

    public Task GaveUpAsync(PortalDbContext db, OutboxMessage message, CancellationToken cancellationToken) =>
        // The dashboard counts given-up confirmation mails from the outbox itself.
        Task.CompletedTask;

    private async Task<MimeMessage> WriteAsync(DelistRequest request, ConfirmationToken token, DelistPlan plan)
    {
        var link = LinkFor(request, token);
        var expiresAt = Times.Utc(request.TokenExpiresAt);
        var model = new ConfirmationMailModel(request.IpAddress.ToString(), request.Reference, link.AbsoluteUri, expiresAt,
            plan.Excepted.Count > 0 ? plan.ExceptionNetwork.ToString() : null, plan.ExceptedFrom);
        var html = await renderer.RenderAsync<ConfirmationMail>(new Dictionary<string, object?> { [nameof(ConfirmationMail.Model)] = model });
        return composer.Compose(request.Email, localizer["Mail_Subject", request.IpAddress], request.Reference, html,
        [
            localizer["Mail_Intro", model.IpAddress].Value,
            model.ExceptedNetwork is null ? null : localizer["Mail_RangeNote", model.IpAddress, model.ExceptedFrom ?? "", model.ExceptedNetwork].Value,
            localizer["Mail_Action"].Value,
            model.Link,
            localizer["Mail_Expires", model.ExpiresAt].Value,
            localizer["Mail_Ignore"].Value,
            localizer["Mail_Reference", model.Reference].Value,
        ], PortalCultures.Resolve(request.Culture));
    }
}
