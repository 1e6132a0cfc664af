using System.Security.Claims;
using DelistPortal.Admin;

namespace DelistPortal.Tests.Support;

/// <summary>Callers as the admin services see them: a signed-in admin, a viewer, nobody.</summary>
public static class Principals
{
    public static ClaimsPrincipal Admin(string name = "alice") => Signed(name, AdminRoles.Admin);

    public static ClaimsPrincipal Viewer(string name = "victor") => Signed(name, AdminRoles.Viewer);

    public static ClaimsPrincipal Anonymous => new(new ClaimsIdentity());

    private static ClaimsPrincipal Signed(string name, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], "Test"));
}
