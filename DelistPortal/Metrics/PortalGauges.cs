using DelistPortal.Blocklist.Index;
using DelistPortal.ChangeLog;
using DelistPortal.Data;
using DelistPortal.Email;
using DelistPortal.Portal;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Metrics;

/// <summary>
/// Gauges read when Prometheus scrapes (every 15 s or so): the lookup index's size, how far this process is behind
/// the change log, and the mail waiting in the outbox. The last two ask the database one indexed question each.
/// </summary>
internal sealed class PortalGauges
{
    public PortalGauges(PortalMetrics metrics, BlocklistIndex index, ChangeLogFollower follower, IDbContextFactory<PortalDbContext> dbFactory)
    {
        metrics.Meter.CreateObservableGauge("delistportal.index.listings", () => index.Count, "{listing}",
            "Active listings in this process's lookup index");
        metrics.Meter.CreateObservableGauge("delistportal.changelog.lag", () =>
        {
            using var db = dbFactory.CreateDbContext();
            var head = db.ChangeLog.Max(e => (long?)e.Position) ?? 0;
            return Math.Max(0, head - follower.Position);
        }, "{entry}", "Change-log entries committed but not yet applied by this process");
        metrics.Meter.CreateObservableGauge("delistportal.outbox.backlog", () =>
        {
            using var db = dbFactory.CreateDbContext();
            return db.OutboxMessages.Count(m => m.SentAt == null && m.GaveUpAt == null && m.SupersededAt == null);
        }, "{message}", "Mail waiting to be sent (due now or retrying)");
    }
}
