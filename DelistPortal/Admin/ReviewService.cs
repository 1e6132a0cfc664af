using System.Net;
using System.Security.Claims;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using DelistPortal.Delisting;
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

/// <param name="MailSent">False when the mail telling the sender could not be sent (the dashboard counts these).</param>
public sealed record ReviewResult(ReviewOutcome Outcome, bool MailSent = false, string? Networks = null);

/// <summary>
/// The requests grid and the review queue: an admin approves a request (its listings are delisted, with the same
/// history as a self-service delist) or denies it with a message; either way the sender is mailed the outcome.
/// </summary>
public sealed class ReviewService(
    IDbContextFactory<PortalDbContext> dbFactory,
    ReviewMailer mailer,
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
            query = query.Where(r => r.Reference == search.ToUpperInvariant() || r.IpAddress == search || r.Email.Contains(search));
        }
        query = filter.OldestFirst ? query.OrderBy(r => r.CreatedAt) : query.OrderByDescending(r => r.CreatedAt);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.Skip(Math.Max(0, page) * pageSize).Take(Math.Clamp(pageSize, 1, 500)).ToListAsync(cancellationToken);
        return new RequestPage(items, total);
    }

    /// <summary>The listings an approval would remove now, for the admin to see before deciding.</summary>
    public async Task<IReadOnlyList<Listing>> ListingsOfAsync(ClaimsPrincipal caller, DelistRequest request, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Listings.AsNoTracking().ActiveContainingAsync(IPAddress.Parse(request.IpAddress), time.GetUtcNow(), cancellationToken);
    }

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
        var listings = await db.Listings.ActiveContainingAsync(IPAddress.Parse(request!.IpAddress), now, cancellationToken);
        var note = $"Request {request.Reference} approved after review" + (string.IsNullOrWhiteSpace(message) ? "" : $": {message.Trim()}");
        RequestDelisting.Apply(db, request!, listings, actor, now, clientAddress, note);
        request.DecidedBy = actor.Name;
        request.DecisionMessage = Trimmed(message);
        if (!await TrySaveAsync(db, cancellationToken))
        {
            return new ReviewResult(ReviewOutcome.NotInReview);
        }
        logger.LogInformation("{Actor} approved request {Reference}: {Networks}", actor.Name, request.Reference, request.DelistedNetworks);
        var sent = await MailOutcomeAsync(db, request, cancellationToken);
        return new ReviewResult(listings.Count == 0 ? ReviewOutcome.NothingLeftToRemove : ReviewOutcome.Approved, sent, request.DelistedNetworks);
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
        request!.MarkDenied(time.GetUtcNow(), clientAddress);
        request.DecidedBy = actor.Name;
        request.DecisionMessage = Trimmed(message);
        if (!await TrySaveAsync(db, cancellationToken))
        {
            return new ReviewResult(ReviewOutcome.NotInReview);
        }
        logger.LogInformation("{Actor} denied request {Reference}", actor.Name, request.Reference);
        var sent = await MailOutcomeAsync(db, request, cancellationToken);
        return new ReviewResult(ReviewOutcome.Denied, sent);
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

    private async Task<bool> MailOutcomeAsync(PortalDbContext db, DelistRequest request, CancellationToken cancellationToken)
    {
        if (await mailer.TrySendOutcomeAsync(request, cancellationToken))
        {
            return true;
        }
        request.OutcomeMailFailed = true;
        await db.SaveChangesAsync(CancellationToken.None);
        return false;
    }

    private static async Task<bool> TrySaveAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
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
