using Microsoft.AspNetCore.Identity;

namespace DelistPortal.Admin;

/// <summary>
/// The one password rule for admin accounts: long rather than clever (NIST SP 800-63B), and bounded so that hashing
/// a pasted novel costs nothing. Identity enforces it; the setup and accounts pages ask it before calling.
/// </summary>
public static class AdminPassword
{
    public const int MinLength = 12;

    public const int MaxLength = 256;

    public static bool IsAcceptable(string? password) => password?.Length is >= MinLength and <= MaxLength;

    public static void Apply(PasswordOptions options)
    {
        options.RequiredLength = MinLength;
        options.RequireNonAlphanumeric = false;
        options.RequireUppercase = false;
        options.RequireLowercase = false;
        options.RequireDigit = false;
    }
}
