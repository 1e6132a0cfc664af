using System.Net;
using System.Security.Claims;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using DelistPortal.Delisting;
using DelistPortal.Email;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Admin;

public enum ReviewOutcome
{
    Approved,
    Denied,
    /// <summary>Approved, but the address was no longer listed: nothing to remove.</summary>
    NothingLeftToRemove,
    NotFound,
    /// <summary>The request is not waiting for review (another admin decided it first).</summary>
    NotInReview,
    MessageMissing,
}

/// <param name="Networks">The listings removed.</param>
/// <param name="ExceptedNetwork">The network freed from <paramref name="ExceptedFrom"/>, ranges that stay listed.</param>
public sealed record ReviewResult(ReviewOutcome Outcome, string? Networks = null, string? ExceptedNetwork = null, string? ExceptedFrom = null);

/// <summary>
/// The requests grid and the review queue: an admin approves a request (the address is delisted as a self-service
/// delist would do it: its own listings end, the ranges around it get an exception; with the same history) or denies it with a message; either way the sender is mailed the outcome.
/// The mail goes into the outbox with the decision, so a mail server that is down delays it but does not lose it.
/// </summary>
public sealed class ReviewService(
    IDbContextFactory<PortalDbContext> dbFactory,
    MailOutbox outbox,
    ListingPolicy policy,
    TimeProvider time,
    ILogger<ReviewService> logger)
{
    public const int MaxMessageLength = 2000;

    public async Task<RequestPage> QueryAsync(ClaimsPrincipal caller, RequestFilter filter, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.DelistRequests.AsNoTracking();
        if (filter.State is { } state)
        {
            query = query.Where(r => r.State == state);
        }
        if (filter.Search?.Trim() is { Length: > 0 } search)
        {
            // The same strict parser as the sender's wizard: "2001:DB8::1" finds the request stored as "2001:db8::1".
            var address = IpAddressInput.ParseSyntax(search);
            query = query.Where(r => r.Reference == search.ToUpperInvariant() || r.IpAddress == address || r.Email.Contains(search));
        }
        query = filter.OldestFirst ? query.OrderBy(r => r.CreatedAt) : query.OrderByDescending(r => r.CreatedAt);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.Skip(Math.Max(0, page) * pageSize).Take(Math.Clamp(pageSize, 1, 500)).ToListAsync(cancellationToken);
        return new RequestPage(items, total);
    }

    /// <summary>The listings an approval would remove or except the address from now, for the admin to see before deciding.</summary>
    public async Task<IReadOnlyList<Listing>> ListingsOfAsync(ClaimsPrincipal caller, DelistRequest request, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ListingsThatListAsync(request.IpAddress, time.GetUtcNow(), cancellationToken: cancellationToken);
    }

    /// <summary>What an approval would do now: which listings end, which ranges get an exception of what.</summary>
    public async Task<DelistPlan> PlanOfAsync(ClaimsPrincipal caller, DelistRequest request, CancellationToken cancellationToken = default) =>
        policy.Plan(request.IpAddress, await ListingsOfAsync(caller, request, cancellationToken));

    public async Task<ReviewResult> ApproveAsync(ClaimsPrincipal caller, Guid requestId, string? message, string? clientAddress, CancellationToken cancellationToken = default)
    {
        var actor = AdminAccess.RequireWriter(caller);
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (request, refusal) = await FindInReviewAsync(db, requestId, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }
        var address = request!.IpAddress;
        var plan = policy.Plan(address, await db.ListingsThatListAsync(address, now, forChange: true, cancellationToken));
        var note = $"Request {request.Reference} approved after review" + (string.IsNullOrWhiteSpace(message) ? "" : $": {message.Trim()}");
        await RequestDelisting.ApplyAsync(db, request, plan, actor, now, clientAddress, note, cancellationToken);
        request.DecidedBy = actor.Name;
        request.DecisionMessage = Trimmed(message);
        if (!await TrySaveWithMailAsync(db, request, now, cancellationToken))
        {
            return new ReviewResult(ReviewOutcome.NotInReview);
        }
        logger.LogInformation("{Actor} approved request {Reference}: removed {Networks}; freed {Excepted} from {Ranges}",
            actor.Name, request.Reference, request.DelistedNetworks, request.ExceptedNetwork, request.ExceptedFrom);
        return new ReviewResult(plan.IsEmpty ? ReviewOutcome.NothingLeftToRemove : ReviewOutcome.Approved,
            request.DelistedNetworks, request.ExceptedNetwork, request.ExceptedFrom);
    }

    public async Task<ReviewResult> DenyAsync(ClaimsPrincipal caller, Guid requestId, string? message, string? clientAddress, CancellationToken cancellationToken = default)
    {
        var actor = AdminAccess.RequireWriter(caller);
        if (string.IsNullOrWhiteSpace(message))
        {
            return new ReviewResult(ReviewOutcome.MessageMissing);
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (request, refusal) = await FindInReviewAsync(db, requestId, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }
        var now = time.GetUtcNow();
        request!.MarkDenied(now, clientAddress);
        request.DecidedBy = actor.Name;
        request.DecisionMessage = Trimmed(message);
        if (!await TrySaveWithMailAsync(db, request, now, cancellationToken))
        {
            return new ReviewResult(ReviewOutcome.NotInReview);
        }
        logger.LogInformation("{Actor} denied request {Reference}", actor.Name, request.Reference);
        return new ReviewResult(ReviewOutcome.Denied);
    }

    /// <summary>The request an admin decides, or why there is nothing to decide (unknown, or no longer in review).</summary>
    private static async Task<(DelistRequest? Request, ReviewResult? Refusal)> FindInReviewAsync(
        PortalDbContext db, Guid requestId, CancellationToken cancellationToken)
    {
        var request = await db.DelistRequests.FirstOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        return request switch
        {
            null => (null, new ReviewResult(ReviewOutcome.NotFound)),
            { State: not DelistRequestState.InReview } => (null, new ReviewResult(ReviewOutcome.NotInReview)),
            _ => (request, null),
        };
    }

    /// <summary>Saves the decision and the mail that tells the sender together: both or neither.</summary>
    private async Task<bool> TrySaveWithMailAsync(PortalDbContext db, DelistRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await outbox.EnqueueAsync(db, ReviewMailer.MailKind, request.Id, secret: null, now, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            outbox.Wake();
            return true;
        }
        catch (Exception ex) when (ex is DbUpdateConcurrencyException || (ex is DbUpdateException update && PortalDbContext.IsUniqueViolation(update)))
        {
            // Another admin (or the sender's own click) decided first; nothing of ours was saved.
            return false;
        }
    }

    private static string? Trimmed(string? message) =>
        message?.Trim() is { Length: > 0 } text ? text[..Math.Min(text.Length, MaxMessageLength)] : null;
}

public sealed record RequestFilter
{
    public DelistRequestState? State { get; init; }

    public string? Search { get; init; }

    public bool OldestFirst { get; init; }
}

public sealed record RequestPage(IReadOnlyList<DelistRequest> Items, int Total);
