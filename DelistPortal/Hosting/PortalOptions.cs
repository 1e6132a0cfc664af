using System.ComponentModel.DataAnnotations;

namespace DelistPortal.Hosting;

public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>
    /// The address senders reach the portal at. Links in mail are built from it, never from a request's Host header.
    /// </summary>
    [Required, Url]
    public string PublicBaseUrl { get; set; } = "http://localhost:5080/";

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
    public Uri GetPublicBaseUri() => new(PublicBaseUrl.EndsWith('/') ? PublicBaseUrl : PublicBaseUrl + "/");
}
