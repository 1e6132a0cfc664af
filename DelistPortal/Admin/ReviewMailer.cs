using DelistPortal.Delisting;
using DelistPortal.Email;
using DelistPortal.Email.Templates;
using DelistPortal.Resources;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MimeKit;

namespace DelistPortal.Admin;

/// <summary>Tells the sender how the review of their request ended.</summary>
public sealed class ReviewMailer(
    IMailSender sender,
    MailTemplateRenderer renderer,
    IStringLocalizer<Strings> localizer,
    IOptions<MailOptions> mail,
    ILogger<ReviewMailer> logger)
{
    public async Task<bool> TrySendOutcomeAsync(DelistRequest request, CancellationToken cancellationToken)
    {
        var approved = request.State is DelistRequestState.Delisted or DelistRequestState.NoLongerListed;
        var model = new ReviewOutcomeMailModel(request.IpAddress, request.Reference, approved, request.DecisionMessage,
            request.DelistedNetworks, request.ExceptedNetwork, request.ExceptedFrom);
        var html = await renderer.RenderAsync<ReviewOutcomeMail>(new Dictionary<string, object?> { [nameof(ReviewOutcomeMail.Model)] = model });
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(mail.Value.FromName, mail.Value.FromAddress));
        message.To.Add(MailboxAddress.Parse(request.Email));
        message.Subject = localizer[approved ? "ReviewMail_SubjectApproved" : "ReviewMail_SubjectDenied", request.IpAddress];
        message.Headers.Add("X-Delist-Reference", request.Reference);
        var text = string.Join("\n\n", new[]
        {
            localizer[approved ? "ReviewMail_Approved" : "ReviewMail_Denied", request.IpAddress].Value,
            approved && model.Removed is not null ? localizer["ReviewMail_Removed", model.Removed].Value : null,
            approved && model.ExceptedNetwork is not null ? localizer["ReviewMail_Excepted", model.ExceptedNetwork, model.ExceptedFrom ?? ""].Value : null,
            model.Message is null ? null : localizer["ReviewMail_Message", model.Message].Value,
            localizer["Mail_Reference", request.Reference].Value,
        }.Where(line => line is not null)) + "\n";
        message.Body = new BodyBuilder { HtmlBody = html, TextBody = text }.ToMessageBody();
        try
        {
            await sender.SendAsync(message, cancellationToken);
            return true;
        }
        catch (MailDeliveryException ex)
        {
            logger.LogWarning(ex, "The review outcome mail for {Reference} was not sent", request.Reference);
            return false;
        }
    }
}
