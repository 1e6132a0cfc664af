using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace DelistPortal.Email;

/// <summary>Degraded while mail has waited longer than <see cref="OutboxOptions.BacklogWarning"/> (the mail server is likely down).</summary>
public sealed class OutboxHealthCheck(IDbContextFactory<PortalDbContext> dbFactory, IOptions<OutboxOptions> options, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var since = time.GetUtcNow() - options.Value.BacklogWarning;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var waiting = await db.OutboxMessages.CountAsync(m => m.SentAt == null && m.GaveUpAt == null && m.SupersededAt == null && m.CreatedAt < since, cancellationToken);
        var givenUp = await db.OutboxMessages.CountAsync(m => m.GaveUpAt != null && m.GaveUpAt > since, cancellationToken);
        var data = new Dictionary<string, object> { ["waiting"] = waiting, ["givenUpRecently"] = givenUp };
        return waiting == 0
            ? HealthCheckResult.Healthy("Mail goes out.", data)
            : HealthCheckResult.Degraded($"{waiting} mail(s) have waited more than {options.Value.BacklogWarning}.", data: data);
    }
}
