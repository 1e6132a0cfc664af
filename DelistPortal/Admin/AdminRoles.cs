namespace DelistPortal.Admin;

/// <summary>The two roles: Admin may change everything, Viewer may only look.</summary>
public static class AdminRoles
{
    public const string Admin = "Admin";

    public const string Viewer = "Viewer";

    public static readonly IReadOnlyList<string> All = [Admin, Viewer];

    /// <summary>The authorization policy of every admin page: signed in with either role.</summary>
    public const string ReadPolicy = "AdminRead";

    /// <summary>The policy of pages and endpoints that change things: the Admin role.</summary>
    public const string WritePolicy = "AdminWrite";
}
