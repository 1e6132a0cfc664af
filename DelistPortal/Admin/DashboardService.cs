using System.Security.Claims;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using DelistPortal.Delisting;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Admin;

/// <summary>The figures on the admin dashboard.</summary>
public sealed class DashboardService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    public const int ChartDays = 30;

    public async Task<DashboardFigures> LoadAsync(ClaimsPrincipal caller, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var active = await db.Listings.CountAsync(l => l.Status == ListingStatus.Active && (l.ExpiresAt == null || l.ExpiresAt > now), cancellationToken);
        var dayAgo = now.AddDays(-1);
        var weekAgo = now.AddDays(-7);
        var delists7 = await db.ListingEvents.Where(e => e.Kind == ListingEventKind.Delisted && e.At >= weekAgo)
            .Select(e => e.At).ToListAsync(cancellationToken);
        var inReview = await db.DelistRequests.CountAsync(r => r.State == DelistRequestState.InReview, cancellationToken);
        // Review-outcome mails that failed, plus confirmation mails the outbox gave up on after its last retry.
        var mailFailures = await db.DelistRequests.CountAsync(r => r.OutcomeMailFailed, cancellationToken)
            + await db.OutboxMessages.CountAsync(m => m.GaveUpAt != null, cancellationToken);

        var firstDay = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-(ChartDays - 1));
        var listedAt = await db.ListingEvents
            .Where(e => (e.Kind == ListingEventKind.Listed || e.Kind == ListingEventKind.Relisted) && e.At >= firstDay)
            .Select(e => e.At).ToListAsync(cancellationToken);
        var delistedAt = await db.ListingEvents.Where(e => e.Kind == ListingEventKind.Delisted && e.At >= firstDay)
            .Select(e => e.At).ToListAsync(cancellationToken);
        var days = Enumerable.Range(0, ChartDays).Select(i => firstDay.AddDays(i)).ToList();
        int[] PerDay(List<DateTimeOffset> times) =>
            days.Select(day => times.Count(t => t >= day && t < day.AddDays(1))).ToArray();

        return new DashboardFigures(active, delists7.Count(t => t >= dayAgo), delists7.Count, inReview, mailFailures,
            // Every fifth day labelled (and the last), so that the axis stays readable.
            days.Select((d, i) => i % 5 == 0 || i == ChartDays - 1 ? d.ToString("MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "").ToArray(),
            PerDay(listedAt), PerDay(delistedAt));
    }
}

public sealed record DashboardFigures(
    int ActiveListings,
    int DelistsLast24Hours,
    int DelistsLast7Days,
    int RequestsInReview,
    int MailFailures,
    string[] Days,
    int[] ListingsPerDay,
    int[] DelistsPerDay);
