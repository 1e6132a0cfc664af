using Microsoft.AspNetCore.Identity;

namespace DelistPortal.Portal;

/// <summary>
/// A person who runs the blocklist: an ASP.NET Core Identity user in the portal's database. Shared, not Admin's own:
/// the database's Identity schema is typed by it (<c>IdentityDbContext&lt;AdminUser&gt;</c>), and Data uses no feature.
/// </summary>
public class AdminUser : IdentityUser
{
    public DateTimeOffset CreatedAt { get; set; }
}
