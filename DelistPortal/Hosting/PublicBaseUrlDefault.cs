using System.Net;
using DelistPortal.Portal;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace DelistPortal.Hosting;

/// <summary>
/// When the operator has not set <c>Portal:PublicBaseUrl</c>, links follow the address the portal listens on (the
/// first of <c>Urls</c> / <c>--urls</c>; a wildcard host becomes this machine's name) — never a request's Host header,
/// which a sender controls. Behind a proxy the listening address is not the public one, so there the setting is
/// required and its absence stops the start.
/// </summary>
internal sealed class PublicBaseUrlDefault(IConfiguration configuration) : IPostConfigureOptions<PortalOptions>, IValidateOptions<PortalOptions>
{
    /// <summary>What Kestrel listens on when nothing is configured.</summary>
    private const string KestrelDefault = "http://localhost:5000";

    public void PostConfigure(string? name, PortalOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.PublicBaseUrl) && !BehindProxy)
        {
            options.PublicBaseUrl = FromListeningAddress(configuration[WebHostDefaults.ServerUrlsKey]);
            options.PublicBaseUrlFollowsListeningAddress = true;
        }
    }

    public ValidateOptionsResult Validate(string? name, PortalOptions options) =>
        string.IsNullOrWhiteSpace(options.PublicBaseUrl) && BehindProxy
            ? ValidateOptionsResult.Fail(
                $"{PortalOptions.Section}:{nameof(PortalOptions.PublicBaseUrl)} must be set when forwarded headers are enabled " +
                "(ASPNETCORE_FORWARDEDHEADERS_ENABLED): behind a proxy the address the portal listens on is not the one senders reach, " +
                "and the links in confirmation mail would not work. Set it to the public address, e.g. https://delist.example.net/.")
            : ValidateOptionsResult.Success;

    private bool BehindProxy => string.Equals(configuration["FORWARDEDHEADERS_ENABLED"], "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The first listening URL as a base URL: "http://0.0.0.0:8080" becomes "http://&lt;host name&gt;:8080/".</summary>
    internal static string FromListeningAddress(string? urls)
    {
        var first = (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? KestrelDefault;
        var scheme = first.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return first;
        }
        var rest = first[(scheme + 3)..];
        var hostEnd = rest.StartsWith('[') ? rest.IndexOf(']', StringComparison.Ordinal) + 1 : rest.IndexOfAny([':', '/']);
        var host = hostEnd <= 0 ? rest : rest[..hostEnd];
        if (host is "*" or "+" or "0.0.0.0" or "[::]")
        {
            host = Dns.GetHostName();
        }
        var tail = hostEnd <= 0 ? "" : rest[hostEnd..];
        var url = $"{first[..(scheme + 3)]}{host}{tail}";
        return url.EndsWith('/') ? url : url + "/";
    }
}
