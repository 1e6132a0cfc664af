using DelistPortal.Blocklist;
using DelistPortal.Data;
using DelistPortal.Email;
using DelistPortal.Portal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DelistPortal.Delisting;

/// <summary>
/// The rules of self-service delisting: submit, resend, open the link, delist. Components call this and nothing
/// else, so every rule holds whatever page or client drives it.
/// </summary>
public sealed class DelistService(
    IDbContextFactory<PortalDbContext> dbFactory,
    MailOutbox outbox,
    ListingPolicy policy,
    SubmissionLimits limits,
    ProofOfWork proofOfWork,
    TimeProvider time,
    IOptions<DelistingOptions> options,
    ILogger<DelistService> logger,
    PortalMetrics? metrics = null)
{
    private DelistingOptions Options => options.Value;

    /// <summary>
    /// A sender's request: checks the fields, then the proof of work (<paramref name="proof"/>, solved by the browser;
    /// used up by this call whatever follows), then whether the address is listed and the submission limits, and
    /// only then stores the request and queues its mail.
    /// </summary>
    public async Task<SubmitResult> SubmitAsync(
        string? email, string? ipAddress, string? clientAddress, ProofOfWorkSolution? proof, CancellationToken cancellationToken = default)
    {
        var result = await SubmitCheckedAsync(email, ipAddress, clientAddress, proof, cancellationToken);
        metrics?.Submitted(result.Outcome);
        return result;
    }

    private async Task<SubmitResult> SubmitCheckedAsync(
        string? email, string? ipAddress, string? clientAddress, ProofOfWorkSolution? proof, CancellationToken cancellationToken)
    {
        var parsedEmail = EmailAddressInput.Parse(email);
        var parsedIp = IpAddressInput.Parse(ipAddress);
        if (!parsedEmail.IsValid || !parsedIp.IsValid)
        {
            return new SubmitResult(SubmitOutcome.Invalid, parsedEmail.Error, parsedIp.Error);
        }
        var address = parsedIp.Address!;
        var ip = address.ToString();
        // Here and not in the page: a script driving the circuit (or any other caller) meets the same check.
        if (await proofOfWork.SpendAsync(proof, cancellationToken) is var proofError and not ProofOfWorkError.None)
        {
            logger.LogInformation("Submission for {IpAddress} refused: proof of work {Error}", ip, proofError);
            return new SubmitResult(SubmitOutcome.ProofOfWorkRefused, IpAddress: ip, ProofOfWorkError: proofError);
        }
        var now = time.GetUtcNow();

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if ((await db.ListingsThatListAsync(address, now, cancellationToken: cancellationToken)).Count == 0)
        {
            return new SubmitResult(SubmitOutcome.NotListed, IpAddress: ip);
        }

        // Submitting the same pair again (a refresh, a second tab) continues the open request instead of mailing again.
        var open = await db.DelistRequests
            .Where(r => r.Email == parsedEmail.Address && r.IpAddress == address &&
                        r.State == DelistRequestState.AwaitingConfirmation && r.TokenExpiresAt > now)
            .OrderByDescending(r => r.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (open is not null)
        {
            return new SubmitResult(SubmitOutcome.ConfirmationSent, IpAddress: ip, Request: Describe(open));
        }

        var clientGroup = SubmissionLimits.ClientGroup(clientAddress);
        if (await limits.RetryAtAsync(db, parsedEmail.Address!, address, clientGroup, now, cancellationToken) is { } retryAt)
        {
            // One message for every limit: it must not tell whether an email address was used before.
            logger.LogInformation("Submission limit reached for {IpAddress}; retry at {RetryAt}", ip, retryAt);
            return new SubmitResult(SubmitOutcome.TooManyRequests, IpAddress: ip, RetryAt: retryAt);
        }
        var request = new DelistRequest
        {
            Id = Guid.NewGuid(),
            Reference = RequestReference.New(),
            Email = parsedEmail.Address!,
            IpAddress = address,
            CreatedAt = now,
            RequestedFromAddress = clientAddress,
            // The language the sender used: the mail, and any resend, is written in it.
            Culture = Portal.PortalCultures.Current,
            ClientGroup = clientGroup,
            TargetRange = SubmissionLimits.TargetRange(address),
            TokenHash = [],
            TokenExpiresAt = now,
        };
        db.DelistRequests.Add(request);
        await QueueNewLinkAsync(db, request, now, cancellationToken);
        logger.LogInformation("Delist request {Reference} for {IpAddress} awaits confirmation", request.Reference, ip);
        return new SubmitResult(SubmitOutcome.ConfirmationSent, IpAddress: ip, Request: Describe(request));
    }

    public async Task<ResendResult> ResendAsync(string reference, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await db.DelistRequests.FirstOrDefaultAsync(r => r.Reference == reference, cancellationToken);
        if (request is null || request.State != DelistRequestState.AwaitingConfirmation || request.IsExpired(now))
        {
            return new ResendResult(ResendOutcome.NotPending);
        }
        if (ResendsLeft(request) <= 0)
        {
            return new ResendResult(ResendOutcome.LimitReached, Describe(request));
        }
        if (CanResendAt(request) is { } allowedAt && allowedAt > now)
        {
            return new ResendResult(ResendOutcome.TooSoon, Describe(request));
        }

        try
        {
            await QueueNewLinkAsync(db, request, now, cancellationToken);
            return new ResendResult(ResendOutcome.Sent, Describe(request));
        }
        catch (DbUpdateConcurrencyException)
        {
            // A second click on Resend, or the Delist click, changed the request first.
            return new ResendResult(ResendOutcome.TooSoon);
        }
    }

    /// <summary>What the confirmation link shows. Reads only: mail scanners open links, and opening must change nothing.</summary>
    public async Task<ConfirmationView> OpenAsync(string? reference, string? token, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await FindByLinkAsync(db, reference, token, cancellationToken);
        return request is null
            ? new ConfirmationView(ConfirmationStatus.InvalidLink)
            : await ViewAsync(db, request, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>
    /// The Delist click, once: removes the listings of the address itself and frees the address from every range that
    /// lists it, which stays listed for the rest (<see cref="RequestDelisting"/>). Concurrent clicks race on the
    /// request's state and token, and on each range's version (concurrency tokens), so exactly one of them changes anything.
    /// </summary>
    public async Task<ConfirmationView> DelistAsync(string? reference, string? token, string? clientAddress, CancellationToken cancellationToken = default)
    {
        var view = await DelistOnceAsync(reference, token, clientAddress, cancellationToken);
        metrics?.DelistClicked(view.Status);
        return view;
    }

    private async Task<ConfirmationView> DelistOnceAsync(string? reference, string? token, string? clientAddress, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await FindByLinkAsync(db, reference, token, cancellationToken);
        if (request is null)
        {
            return new ConfirmationView(ConfirmationStatus.InvalidLink);
        }
        var now = time.GetUtcNow();
        var view = await ViewAsync(db, request, now, cancellationToken);
        if (view.Status is not (ConfirmationStatus.ReadyToDelist or ConfirmationStatus.NotListedAnyMore))
        {
            return view;
        }

        var address = request.IpAddress;
        var listings = await db.ListingsThatListAsync(address, now, forChange: true, cancellationToken);
        var plan = policy.Plan(address, listings);
        var actor = Actor.Requester(request.Email);
        if (await SelfServiceRefusalAsync(db, listings, now, cancellationToken) is { } refusal)
        {
            var note = $"Self-service refused ({refusal.Reason}) for {refusal.Listing.Network}";
            request.MarkInReview(now, clientAddress, note);
            foreach (var listing in listings)
            {
                var entry = ListingEvent.For(listing, ListingEventKind.Refused, actor, now, clientAddress, $"{note}; request {request.Reference}");
                entry.DelistRequestId = request.Id;
                db.ListingEvents.Add(entry);
            }
        }
        else
        {
            await RequestDelisting.ApplyAsync(db, request, plan, actor, now, clientAddress, $"Self-service request {request.Reference}", cancellationToken);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is DbUpdateConcurrencyException || (ex is DbUpdateException update && PortalDbContext.IsUniqueViolation(update)))
        {
            // Another click, a resend, or a change of one of the ranges got there first; show what it left.
            return await OpenAsync(reference, token, cancellationToken);
        }
        if (request.ExceptedNetwork is null)
        {
            logger.LogInformation("Delist request {Reference} completed as {State}: removed {Networks}",
                request.Reference, request.State, request.DelistedNetworks);
        }
        else
        {
            logger.LogInformation("Delist request {Reference} completed as {State}: removed {Networks}; freed {Excepted} from {Ranges}",
                request.Reference, request.State, request.DelistedNetworks ?? "nothing", request.ExceptedNetwork, request.ExceptedFrom);
        }
        return new ConfirmationView(
            request.State switch
            {
                DelistRequestState.Delisted => ConfirmationStatus.Delisted,
                DelistRequestState.InReview => ConfirmationStatus.SentToReview,
                _ => ConfirmationStatus.NotListedAnyMore,
            },
            request.Reference, request.IpAddress.ToString(), listings.Select(ListingSummary.From).ToList(),
            request.State, request.CompletedAt, request.DelistedNetworks, request.ExceptedNetwork, request.ExceptedFrom);
    }

    /// <summary>
    /// The first listing a sender may not remove (or, for a range, free the address from) themselves, with why: the
    /// listing forbids it, its network was removed by self-service <see cref="BlocklistOptions.SelfServiceLimit"/>
    /// times within the window, or senders freed <see cref="BlocklistOptions.RangeExceptionLimit"/> addresses of the
    /// range within the window (counted over every listing of the range's network).
    /// </summary>
    private async Task<(Listing Listing, SelfServiceRefusal Reason)?> SelfServiceRefusalAsync(
        PortalDbContext db, IReadOnlyList<Listing> listings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var since = now - policy.SelfServiceWindow;
        foreach (var listing in listings)
        {
            var recentSelfServiceDelists = await db.ListingEvents.CountAsync(e =>
                e.RangeStart == listing.RangeStart && e.RangeEnd == listing.RangeEnd &&
                e.Kind == ListingEventKind.Delisted && e.ActorKind == ActorKind.Requester && e.At >= since, cancellationToken);
            var recentSelfServiceExceptions = !policy.IsRange(listing) ? 0 : await db.ListingEvents.CountAsync(e =>
                e.RangeStart == listing.RangeStart && e.RangeEnd == listing.RangeEnd &&
                e.Kind == ListingEventKind.ExceptionAdded && e.ActorKind == ActorKind.Requester && e.At >= since, cancellationToken);
            if (policy.SelfServiceRefusal(listing, recentSelfServiceDelists, recentSelfServiceExceptions) is { } reason)
            {
                return (listing, reason);
            }
        }
        return null;
    }

    /// <summary>The request a link points at, or null unless both the reference and its current token match.</summary>
    private static async Task<DelistRequest?> FindByLinkAsync(PortalDbContext db, string? reference, string? token, CancellationToken cancellationToken)
    {
        if (!RequestReference.IsWellFormed(reference) || ConfirmationToken.HashOf(token) is null)
        {
            return null;
        }
        var request = await db.DelistRequests.FirstOrDefaultAsync(r => r.Reference == reference, cancellationToken);
        return request is not null && ConfirmationToken.Matches(token, request.TokenHash) ? request : null;
    }

    private async Task<ConfirmationView> ViewAsync(PortalDbContext db, DelistRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (request.State != DelistRequestState.AwaitingConfirmation)
        {
            return new ConfirmationView(ConfirmationStatus.AlreadyCompleted, request.Reference, request.IpAddress.ToString(),
                State: request.State, CompletedAt: request.CompletedAt, DelistedNetworks: request.DelistedNetworks,
                ExceptedNetwork: request.ExceptedNetwork, ExceptedFrom: request.ExceptedFrom);
        }
        if (request.IsExpired(now))
        {
            return new ConfirmationView(ConfirmationStatus.Expired, request.Reference, request.IpAddress.ToString());
        }
        var address = request.IpAddress;
        var plan = policy.Plan(address, await db.ListingsThatListAsync(address, now, cancellationToken: cancellationToken));
        // What the click would do, so the sender knows before pressing it: which ranges stay listed.
        return new ConfirmationView(
            plan.IsEmpty ? ConfirmationStatus.NotListedAnyMore : ConfirmationStatus.ReadyToDelist,
            request.Reference, request.IpAddress.ToString(), plan.All.Select(ListingSummary.From).ToList(),
            ExceptedNetwork: plan.Excepted.Count > 0 ? plan.ExceptionNetwork.ToString() : null, ExceptedFrom: plan.ExceptedFrom);
    }

    /// <summary>
    /// Issues a new token (only the newest mail's link works) and puts its mail into the outbox in the same save as
    /// the request, so the request and its mail exist together or not at all; the outbox sender delivers it, with
    /// retries while the mail server is down. The request's concurrency tokens make two concurrent resends save once.
    /// </summary>
    private async Task QueueNewLinkAsync(PortalDbContext db, DelistRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var token = ConfirmationToken.Issue();
        request.TokenHash = token.Hash;
        request.TokenExpiresAt = now + Options.ConfirmationLinkLifetime;
        request.ConfirmationsSent++;
        request.LastConfirmationSentAt = now;
        await outbox.EnqueueAsync(db, ConfirmationMailer.MailKind, request.Id, token.Value, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        outbox.Wake();
    }

    private int ResendsLeft(DelistRequest request) =>
        Math.Max(0, Options.MaxResends - Math.Max(0, request.ConfirmationsSent - 1));

    private DateTimeOffset? CanResendAt(DelistRequest request) =>
        request.LastConfirmationSentAt + Options.ResendInterval;

    private PendingRequest Describe(DelistRequest request) => new(
        request.Reference, request.Email, request.IpAddress.ToString(), request.TokenExpiresAt, Options.ConfirmationLinkLifetime,
        ResendsLeft(request) > 0 ? CanResendAt(request) : null, ResendsLeft(request));
}
