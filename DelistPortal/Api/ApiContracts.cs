using DelistPortal.Blocklist;

namespace DelistPortal.Api;

/// <summary>The answer of <c>GET /api/v1/lookup/{ip}</c>. Reason, network and times are those of the most specific listing.</summary>
public sealed record LookupResponse(
    string Ip,
    bool Listed,
    string? Network,
    ListingReason? Reason,
    string? Detail,
    DateTimeOffset? Since,
    DateTimeOffset? ExpiresAt,
    bool? SelfServiceAllowed,
    Uri PortalUrl);

/// <summary>A listing to add (<c>POST /api/v1/listings</c>).</summary>
/// <param name="Network">An address or CIDR range: "203.0.113.7", "198.51.100.0/24", "2001:db8:bad::/48".</param>
/// <param name="Reason">One of Spam, SpamTrap, Phishing, Malware, OpenRelayOrProxy, Policy, Manual.</param>
/// <param name="Detail">What was seen, in words the sender can act on (shown to them).</param>
/// <param name="ExpiresAt">When it ends; omitted, the listing policy's escalating lifetime applies.</param>
/// <param name="Permanent">Stays until delisted.</param>
public sealed record NewListingRequest(
    string? Network,
    string? Reason,
    string? Detail,
    DateTimeOffset? ExpiresAt = null,
    bool Permanent = false,
    bool SelfServiceAllowed = true,
    ListingEvidence? Evidence = null);

public sealed record ListingResponse(
    int Id,
    string Network,
    ListingReason Reason,
    string Detail,
    ListingSource Source,
    DateTimeOffset ListedAt,
    DateTimeOffset? ExpiresAt,
    bool SelfServiceAllowed,
    int Version)
{
    public static ListingResponse From(Listing listing) => new(
        listing.Id, listing.Network, listing.Reason, listing.Detail, listing.Source, listing.ListedAt, listing.ExpiresAt,
        listing.SelfServiceAllowed, listing.Version);
}
