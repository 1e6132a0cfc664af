using System.Net;
using System.Net.Sockets;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DelistPortal.Delisting;

/// <summary>Decides whether a new request may be made now, from the requests already stored.</summary>
public sealed class SubmissionLimits(IOptions<SubmissionLimitOptions> options)
{
    /// <summary>The group a client address counts in: the address itself for IPv4, its /64 for IPv6.</summary>
    public static string? ClientGroup(string? clientAddress)
    {
        if (clientAddress is null || !IPAddress.TryParse(clientAddress, out var address))
        {
            return null;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        return address.AddressFamily == AddressFamily.InterNetwork
            ? address.ToString()
            : IpNetwork.Containing(address, 64).ToString();
    }

    /// <summary>The IPv4 /24 or IPv6 /48 that contains the target.</summary>
    public static string TargetRange(IPAddress target) =>
        IpNetwork.Containing(target, target.AddressFamily == AddressFamily.InterNetwork ? 24 : 48).ToString();

    /// <summary>When the first limit that is reached frees up again, or null when a request may be made now.</summary>
    public async Task<DateTimeOffset?> RetryAtAsync(PortalDbContext db, string email, IPAddress target, string? clientGroup,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var ip = target.ToString();
        var range = TargetRange(target);
        DateTimeOffset? retryAt = null;
        foreach (var (limit, requests) in new (WindowLimit, IQueryable<DelistRequest>?)[]
                 {
                     (limits.PerClient, clientGroup is null ? null : db.DelistRequests.Where(r => r.ClientGroup == clientGroup)),
                     (limits.PerEmail, db.DelistRequests.Where(r => r.Email == email)),
                     (limits.PerTarget, db.DelistRequests.Where(r => r.IpAddress == target)),
                     (limits.PerRange, db.DelistRequests.Where(r => r.TargetRange == range)),
                 })
        {
            if (requests is null)
            {
                continue;
            }
            var since = now - limit.Window;
            var recent = await requests.Where(r => r.CreatedAt > since)
                .OrderByDescending(r => r.CreatedAt)
                .Select(r => r.CreatedAt)
                .Take(limit.Limit)
                .ToListAsync(cancellationToken);
            if (recent.Count >= limit.Limit)
            {
                // The oldest of the last `Limit` requests leaves the window first.
                var freeAt = recent[^1] + limit.Window;
                retryAt = retryAt is null || freeAt > retryAt ? freeAt : retryAt;
            }
        }
        return retryAt;
    }
}
