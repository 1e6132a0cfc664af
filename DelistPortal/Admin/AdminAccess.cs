using System.Security.Claims;
using DelistPortal.Blocklist;
using DelistPortal.Portal;

namespace DelistPortal.Admin;

/// <summary>
/// The role check every admin service makes itself, whatever page, dialog or endpoint calls it: interactive events
/// arrive over the circuit, so a check in the page alone would not be enough.
/// </summary>
public static class AdminAccess
{
    /// <summary>The caller may look (Admin or Viewer); throws <see cref="AdminAccessDeniedException"/> otherwise.</summary>
    public static void RequireReader(ClaimsPrincipal? user)
    {
        if (!CanRead(user))
        {
            throw new AdminAccessDeniedException("Signing in as an admin or viewer is required.");
        }
    }

    /// <summary>The caller may change things (Admin); returns the actor recorded in the history.</summary>
    public static Actor RequireWriter(ClaimsPrincipal? user)
    {
        if (!CanWrite(user))
        {
            throw new AdminAccessDeniedException("Only an admin may change the blocklist.");
        }
        return Actor.Admin(user!.Identity!.Name!);
    }

    public static bool CanRead(ClaimsPrincipal? user) =>
        IsSignedIn(user) && (user!.IsInRole(AdminRoles.Admin) || user.IsInRole(AdminRoles.Viewer));

    public static bool CanWrite(ClaimsPrincipal? user) => IsSignedIn(user) && user!.IsInRole(AdminRoles.Admin);

    private static bool IsSignedIn(ClaimsPrincipal? user) =>
        user?.Identity is { IsAuthenticated: true, Name.Length: > 0 };
}

/// <summary>The caller is not allowed to do this; nothing was changed.</summary>
public sealed class AdminAccessDeniedException(string message) : Exception(message);
