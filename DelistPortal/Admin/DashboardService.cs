using DelistPortal.Email;
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
        // The tallies the triggers keep: the same figure as the grid's active view, without counting 700,000 rows.
        var active = await db.ListingTallies.Where(t => t.Status == ListingStatus.Active).SumAsync(t => t.Count, cancellationToken);
        var inReview = await db.DelistRequests.CountAsync(r => r.State == DelistRequestState.InReview, cancellationToken);
        // Review-outcome mails that failed (the request is marked, also for those sent inline before they went through
        // the outbox), plus confirmation mails the outbox gave up on after its last retry.
        var mailFailures = await db.DelistRequests.CountAsync(r => r.OutcomeMailFailed, cancellationToken)
            + await db.OutboxMessages.CountAsync(m => m.GaveUpAt != null && m.Kind == ConfirmationMailer.MailKind, cancellationToken);

        var firstDay = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-(ChartDays - 1));
        // Counted per day in the database: an import of a million listings is a million events this month.
        var listed = await PerDayAsync(db, ["Listed", "Relisted"], firstDay, cancellationToken);
        // A sender's delist that frees one address from a range (ADR 008) is a delist too: an exception added.
        ListingEventKind[] delists = [ListingEventKind.Delisted, ListingEventKind.ExceptionAdded];
        var delisted = await PerDayAsync(db, delists.Select(k => k.ToString()).ToArray(), firstDay, cancellationToken);
        var dayAgo = now.AddDays(-1);
        var delists24h = await db.ListingEvents.CountAsync(e => delists.Contains(e.Kind) && e.At >= dayAgo, cancellationToken);
        var weekAgo = now.AddDays(-7);
        var delists7d = await db.ListingEvents.CountAsync(e => delists.Contains(e.Kind) && e.At >= weekAgo, cancellationToken);
        var days = Enumerable.Range(0, ChartDays).Select(i => firstDay.AddDays(i)).ToList();

        return new DashboardFigures(active, delists24h, delists7d, inReview, mailFailures,
            // Every fifth day labelled (and the last), so that the axis stays readable.
            days.Select((d, i) => i % 5 == 0 || i == ChartDays - 1 ? d.ToString("MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "").ToArray(),
            listed, delisted);
    }

    /// <summary>Events of the kinds per UTC day from <paramref name="firstDay"/> (times are stored as Unix milliseconds).</summary>
    private static async Task<int[]> PerDayAsync(PortalDbContext db, string[] kinds, DateTimeOffset firstDay, CancellationToken cancellationToken)
    {
        var from = firstDay.ToUnixTimeMilliseconds();
        var counts = new int[ChartDays];
        foreach (var kind in kinds)
        {
            var rows = await db.Database.SqlQuery<DayCount>($"""
                SELECT CAST(("At" - {from}) / 86400000 AS INTEGER) AS "Day", CAST(COUNT(*) AS INTEGER) AS "Count" FROM "ListingEvents"
                WHERE "Kind" = {kind} AND "At" >= {from} GROUP BY 1
                """).ToListAsync(cancellationToken);
            foreach (var row in rows.Where(r => r.Day is >= 0 and < ChartDays))
            {
                counts[row.Day] += row.Count;
            }
        }
        return counts;
    }

    private sealed record DayCount(int Day, int Count);

    /// <summary>A step for a chart's value axis: 1, 2 or 5 times a power of ten, giving about five ticks up to <paramref name="max"/>.</summary>
    public static int AxisStep(int max)
    {
        var rough = Math.Max(1.0, max / 5.0);
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var nice = (rough / power) switch
        {
            <= 1 => 1,
            <= 2 => 2,
            <= 5 => 5,
            _ => 10,
        };
        return (int)(nice * power);
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
