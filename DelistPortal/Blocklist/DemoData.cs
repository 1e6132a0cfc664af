using DelistPortal.Data;
using System.Net;
using DelistPortal.Portal;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Blocklist;

/// <summary>
/// A few listings on documentation ranges (RFC 5737, RFC 3849) so a new portal can be tried at once. Seeded only
/// into an empty list, so running it again, or after the operator's own listings exist, changes nothing.
/// </summary>
public static class DemoData
{
    public static async Task SeedAsync(PortalDbContext db, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        if (await db.Listings.AnyAsync(cancellationToken))
        {
            return;
        }
        var now = time.GetUtcNow();
        Listing[] listings =
        [
            Listing.Create(Single("203.0.113.7"), ListingReason.Spam,
                "Bulk unsolicited mail to our customers: 1,240 messages in 2 hours, 96% reported as spam.", now.AddDays(-3)),
            Listing.Create(Single("203.0.113.25"), ListingReason.SpamTrap,
                "Mail delivered to spam-trap addresses that never subscribed to anything.", now.AddDays(-1)),
            Listing.Create(Single("192.0.2.14"), ListingReason.Phishing,
                "Messages imitating a bank's sign-in page, with links to a credential-harvesting site.", now.AddHours(-20)),
            Listing.Create(new IpNetwork(IPAddress.Parse("198.51.100.0"), 24), ListingReason.Malware,
                "Many hosts in this range sent mail with the signature of a known botnet.", now.AddDays(-7)),
            Listing.Create(Single("2001:db8::25"), ListingReason.OpenRelayOrProxy,
                "The server relayed mail for anyone on the internet (open relay test).", now.AddDays(-2)),
            Listing.Create(new IpNetwork(IPAddress.Parse("2001:db8:bad::"), 48), ListingReason.Policy,
                "Dynamic address space that should send mail through its provider's relay.", now.AddDays(-30)),
        ];
        foreach (var listing in listings)
        {
            listing.Source = ListingSource.Import;
            db.Listings.Add(listing);
            db.ListingEvents.Add(ListingEvent.For(listing, ListingEventKind.Listed, Actor.System, listing.ListedAt, null, "Demo data"));
        }
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Seeded demo listings on documentation ranges (Portal:SeedDemoData)");
    }

    private static IpNetwork Single(string address) => IpNetwork.Single(IPAddress.Parse(address));
}
