using Microsoft.Extensions.Options;

namespace DelistPortal.Portal;

/// <summary>
/// What one portal process does (<c>Portal:Roles</c>, comma-separated; all three by default). Several processes
/// share one database and each follows its change log, so any mix of roles over any number of processes works.
/// </summary>
[Flags]
public enum PortalRoles
{
    None = 0,

    /// <summary>The sender's wizard, the status pages, the admin area and the HTTP API.</summary>
    Web = 1,

    /// <summary>The RFC 5782 DNS responder.</summary>
    Dnsbl = 2,

    /// <summary>Background jobs: the mail outbox sender, recording expiries, pruning the change log.</summary>
    Worker = 4,

    All = Web | Dnsbl | Worker,
}

public static class PortalRoleNames
{
    public const string Default = "web,dnsbl,worker";

    /// <summary>Reads "web,dnsbl" and the like; null with an unknown or empty list.</summary>
    public static PortalRoles? Parse(string? value)
    {
        var roles = PortalRoles.None;
        foreach (var name in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            PortalRoles? role = name.ToLowerInvariant() switch
            {
                "web" => PortalRoles.Web,
                "dnsbl" => PortalRoles.Dnsbl,
                "worker" => PortalRoles.Worker,
                _ => null,
            };
            if (role is null)
            {
                return null;
            }
            roles |= role.Value;
        }
        return roles == PortalRoles.None ? null : roles;
    }

    /// <summary>The roles configured for this process; a wrong value stops the start with the key named.</summary>
    public static PortalRoles FromConfiguration(IConfiguration configuration)
    {
        var value = configuration[$"{PortalOptions.Section}:{nameof(PortalOptions.Roles)}"] ?? Default;
        return Parse(value) ?? throw new OptionsValidationException($"{PortalOptions.Section}:{nameof(PortalOptions.Roles)}", typeof(PortalOptions),
            [$"{PortalOptions.Section}:{nameof(PortalOptions.Roles)} is \"{value}\"; it must name one or more of web, dnsbl, worker, separated by commas."]);
    }
}
