namespace DelistPortal.Admin;

/// <summary>Where a successful sign-in goes.</summary>
public static class SignInRedirect
{
    public const string Default = "/admin";

    /// <summary>Only a local admin path: an open redirect would hand a phishing page our sign-in.</summary>
    public static string Target(string? returnUrl) =>
        returnUrl is { } url && url.StartsWith(Default, StringComparison.Ordinal) && !url.Contains("//") && !url.Contains('\\') ? url : Default;
}
