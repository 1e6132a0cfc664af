using DelistPortal.Data;
using DelistPortal.Delisting.Mail;
using DelistPortal.Email;
using DelistPortal.Portal;
using DelistPortal.Resources;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace DelistPortal.Delisting;

/// <summary>
/// Writes the mail that tells the sender how the review of their request ended, when the outbox sends it: in the
/// language the sender used, not the deciding admin's.
/// </summary>
public sealed class ReviewMailer(
    MailComposer composer,
    MailTemplateRenderer renderer,
    IStringLocalizer<Strings> localizer) : IOutboxMailWriter
{
    public const string MailKind = "ReviewOutcome";

    public string Kind => MailKind;

    public async Task<OutboxMail?> WriteAsync(PortalDbContext db, OutboxMessage message, CancellationToken cancellationToken)
    {
        var request = await db.DelistRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == message.DelistRequestId, cancellationToken);
        if (request is null || !request.IsFinal)
        {
            return null;
        }
        var mail = await PortalCultures.RunInAsync(request.Culture, () => WriteAsync(request));
        return new OutboxMail(mail, request.Reference);
    }

    /// <summary>The requests grid marks the request, and the dashboard counts it.</summary>
    public async Task GaveUpAsync(PortalDbContext db, OutboxMessage message, CancellationToken cancellationToken)
    {
        if (await db.DelistRequests.FirstOrDefaultAsync(r => r.Id == message.DelistRequestId, cancellationToken) is { } request)
        {
            request.OutcomeMailFailed = true;
        }
    }

    private async Task<MimeKit.MimeMessage> WriteAsync(DelistRequest request)
    {
        var approved = request.State is DelistRequestState.Delisted or DelistRequestState.NoLongerListed;
        var model = new ReviewOutcomeMailModel(request.IpAddress.ToString(), request.Reference, approved, request.DecisionMessage,
            request.DelistedNetworks, request.ExceptedNetwork, request.ExceptedFrom);
        var html = await renderer.RenderAsync<ReviewOutcomeMail>(new Dictionary<string, object?> { [nameof(ReviewOutcomeMail.Model)] = model });
        return composer.Compose(request.Email, localizer[approved ? "ReviewMail_SubjectApproved" : "ReviewMail_SubjectDenied", request.IpAddress],
            request.Reference, html,
            [
                localizer[approved ? "ReviewMail_Approved" : "ReviewMail_Denied", request.IpAddress].Value,
                approved && model.Removed is not null ? localizer["ReviewMail_Removed", model.Removed].Value : null,
                approved && model.ExceptedNetwork is not null ? localizer["ReviewMail_Excepted", model.ExceptedNetwork, model.ExceptedFrom ?? ""].Value : null,
                model.Message is null ? null : localizer["ReviewMail_Message", model.Message].Value,
                localizer["Mail_Reference", request.Reference].Value,
            ], PortalCultures.Resolve(request.Culture));
    }
}
