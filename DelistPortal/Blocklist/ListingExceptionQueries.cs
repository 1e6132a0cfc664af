using System.Net;
using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Blocklist;

/// <summary>
/// "Is this address listed" with range exceptions: the most specific entry wins (docs/decisions/008). An exception
/// beats every wider listing that contains it; a listing of the same network or a narrower one beats the exception.
/// The in-memory index (and so the DNSBL) answers the same way; this is the database's side, for the paths that
/// change what they read (the wizard, the review) and the lookup API.
/// </summary>
public static class ListingExceptionQueries
{
    /// <summary>Exceptions that free <paramref name="address"/> now: active, and their range not past its expiry.</summary>
    public static IQueryable<ListingException> ActiveContaining(this IQueryable<ListingException> exceptions, IPAddress address, DateTimeOffset now)
    {
        var key = AddressKey.From(address);
        return exceptions
            .Where(e => e.Status == ListingExceptionStatus.Active && (e.ExpiresAt == null || e.ExpiresAt > now))
            .Where(e => string.Compare(e.RangeStart, key) <= 0 && string.Compare(e.RangeEnd, key) >= 0);
    }

    /// <summary>
    /// The active listings that list <paramref name="address"/> — those containing it that no more specific exception
    /// masks — most specific first. Tracked when <paramref name="forChange"/>, for a caller that ends or excepts them.
    /// </summary>
    public static async Task<List<Listing>> ListingsThatListAsync(this PortalDbContext db, IPAddress address, DateTimeOffset now,
        bool forChange = false, CancellationToken cancellationToken = default)
    {
        var listings = await (forChange ? db.Listings : db.Listings.AsNoTracking())
            .ActiveContainingAsync(address, now, cancellationToken);
        if (listings.Count == 0)
        {
            return listings;
        }
        var mostSpecificException = await db.ListingExceptions.AsNoTracking()
            .ActiveContaining(address, now)
            .MaxAsync(e => (int?)e.PrefixLength, cancellationToken);
        return Unmasked(listings, mostSpecificException);
    }

    /// <summary>
    /// The listings an exception of prefix <paramref name="mostSpecificException"/> containing the same address leaves
    /// listing it: those at least as specific (the same network beats the exception), in their order.
    /// </summary>
    public static List<Listing> Unmasked(IEnumerable<Listing> listings, int? mostSpecificException) =>
        mostSpecificException is { } prefix ? listings.Where(l => l.PrefixLength >= prefix).ToList() : listings.ToList();
}
