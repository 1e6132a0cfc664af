using System.ComponentModel.DataAnnotations;

namespace DelistPortal.Portal;

public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>
    /// The address senders reach the portal at. Links in mail are built from it, never from a request's Host header.
    /// Empty: the address the portal listens on (Hosting's <c>PublicBaseUrlDefault</c>); required behind a proxy.
    /// </summary>
    [Url]
    public string? PublicBaseUrl { get; set; }

    /// <summary>Set when <see cref="PublicBaseUrl"/> was not configured and was taken from the listening address.</summary>
    public bool PublicBaseUrlFollowsListeningAddress { get; set; }

    /// <summary>Folder for the SQLite database and, without SMTP, the mailbox. Relative paths start at the working directory.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>Seed a new database with a few listings on documentation ranges so the flow can be tried at once.</summary>
    public bool SeedDemoData { get; set; } = true;

    /// <summary>What this process does: "web", "dnsbl" and "worker", comma-separated (see <see cref="PortalRoles"/>).</summary>
    [Required]
    public string Roles { get; set; } = PortalRoleNames.Default;

    public string DataDirectoryPath => Path.GetFullPath(DataDirectory);

    /// <summary>The base URL with a trailing slash, ready for relative links. A method: validation reads every property.</summary>
    public Uri GetPublicBaseUri() => PublicBaseUrl is { Length: > 0 } url
        ? new(url.EndsWith('/') ? url : url + "/")
        : throw new InvalidOperationException($"{Section}:{nameof(PublicBaseUrl)} is not set.");
}
