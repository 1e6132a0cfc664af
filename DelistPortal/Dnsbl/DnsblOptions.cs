using System.ComponentModel.DataAnnotations;
using DelistPortal.Blocklist;

namespace DelistPortal.Dnsbl;

/// <summary>The RFC 5782 DNS blocklist the portal serves from its in-memory index.</summary>
public sealed class DnsblOptions
{
    public const string Section = "Dnsbl";

    /// <summary>
    /// On by default, on loopback and an unprivileged port: a local resolver (unbound, dnsmasq) forwards the zone to
    /// it, so the portal never needs root and is not an open DNS server by accident.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The zone mail servers query, e.g. <c>bl.example.net</c>: 203.0.113.7 is asked as 7.113.0.203.bl.example.net.</summary>
    [Required]
    public string Zone { get; set; } = "dnsbl.portal.example";

    [Required]
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>UDP and TCP port; 0 picks a free one (tests).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 5300;

    /// <summary>
    /// The TXT answer, rbldnsd-style: <c>$</c> is the queried IP, <c>{reason}</c> the reason in words and
    /// <c>{portal}</c> <c>Portal:PublicBaseUrl</c>. At most 255 bytes (ASCII) with the longest IPv6 address in it.
    /// </summary>
    [Required]
    public string TxtTemplate { get; set; } = "Access denied, banned sending IP [$] ({reason}); To request removal from this list please visit {portal}?ip=$";

    /// <summary>TTL of answers and of NXDOMAIN (SOA minimum). Short, so that a delist reaches resolvers' caches soon.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan Ttl { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The name server named in the apex SOA and NS records: your public name for this responder.</summary>
    [Required]
    public string NameServer { get; set; } = "localhost";

    /// <summary>The SOA contact as a mailbox (hostmaster@example.net).</summary>
    [Required]
    public string HostMaster { get; set; } = "hostmaster@portal.example";

    /// <summary>The A record answered per reason; every code is in 127.0.0.0/8 (RFC 5782).</summary>
    public Dictionary<ListingReason, string> ReasonCodes { get; set; } = new()
    {
        [ListingReason.Spam] = "127.0.0.2",
        [ListingReason.SpamTrap] = "127.0.0.3",
        [ListingReason.Phishing] = "127.0.0.4",
        [ListingReason.Malware] = "127.0.0.5",
        [ListingReason.OpenRelayOrProxy] = "127.0.0.6",
        [ListingReason.Policy] = "127.0.0.10",
        [ListingReason.Manual] = "127.0.0.2",
    };

    /// <summary>Threads receiving UDP queries (blocking receives did best here; see docs/decisions/003).</summary>
    [Range(1, 64)]
    public int UdpThreads { get; set; } = 2;
}
