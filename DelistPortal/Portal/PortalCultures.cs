using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace DelistPortal.Portal;

/// <summary>The languages the portal speaks, and how a sender picks one.</summary>
public static class PortalCultures
{
    public const string Default = "en";

    public static readonly IReadOnlyList<string> Supported = ["en", "fr"];

    /// <summary>The path of the endpoint behind the EN/FR switch.</summary>
    public const string SwitchPath = "/culture";

    /// <summary>A supported culture name for any text (stored on a request, sent by a browser), falling back to English.</summary>
    public static string Resolve(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return Default;
        }
        try
        {
            var culture = CultureInfo.GetCultureInfo(name);
            for (; !culture.Equals(CultureInfo.InvariantCulture); culture = culture.Parent)
            {
                if (Supported.Contains(culture.Name, StringComparer.OrdinalIgnoreCase))
                {
                    return culture.Name;
                }
            }
        }
        catch (CultureNotFoundException)
        {
        }
        return Default;
    }

    /// <summary>The culture of the current request or circuit, as one of ours.</summary>
    public static string Current => Resolve(CultureInfo.CurrentUICulture.Name);

    /// <summary>Runs <paramref name="action"/> with the given culture as the current (UI) culture, then puts the old one back.</summary>
    public static async Task<T> RunInAsync<T>(string? name, Func<Task<T>> action)
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        var wanted = CultureInfo.GetCultureInfo(Resolve(name));
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = wanted;
        try
        {
            return await action();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }

    /// <summary>The address of the switch that sets <paramref name="culture"/> and comes back to <paramref name="returnUrl"/>.</summary>
    public static string SwitchUrl(string culture, string returnUrl) =>
        $"{SwitchPath}?culture={Uri.EscapeDataString(culture)}&returnUrl={Uri.EscapeDataString(returnUrl)}";

    /// <summary>
    /// GET /culture?culture=fr&amp;returnUrl=/status/DL-… : remembers the choice in the standard ASP.NET Core culture
    /// cookie (read by <see cref="CookieRequestCultureProvider"/>) and goes back. Only local return addresses are
    /// followed, so the switch cannot be used to send someone to another site.
    /// </summary>
    public static IEndpointRouteBuilder MapCultureSwitch(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(SwitchPath, (HttpContext context, string? culture, string? returnUrl) =>
        {
            var chosen = Resolve(culture);
            context.Response.Cookies.Append(
                CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
                new CookieOptions
                {
                    Expires = DateTimeOffset.UtcNow.AddYears(1),
                    IsEssential = true,
                    HttpOnly = true,
                    SameSite = SameSiteMode.Lax,
                    Secure = context.Request.IsHttps,
                });
            return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
        });
        return endpoints;
    }

    /// <summary>"/path?query" only: not "//host", not "/\host", not an absolute URL.</summary>
    internal static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' &&
        (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) &&
        !url.Any(char.IsControl);
}
