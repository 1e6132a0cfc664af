using System.ComponentModel.DataAnnotations;
using System.Net;

namespace DelistPortal.Metrics;

public sealed class MetricsOptions : IValidatableObject
{
    public const string Section = "Metrics";

    /// <summary>Serve <c>/metrics</c> in Prometheus format.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Client networks that may read <c>/metrics</c>, comma-separated; everyone else gets 404. Loopback only by default.
    /// (A string, not a list: a configured list would be added to a default list, not replace it.)
    /// </summary>
    public string AllowedNetworks { get; set; } = "127.0.0.0/8, ::1/128";

    private IEnumerable<string> Networks => AllowedNetworks.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public bool Allows(IPAddress? client)
    {
        if (client is null)
        {
            return false;
        }
        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }
        return Networks.Any(network => IPNetwork.TryParse(network, out var parsed) && parsed.Contains(client));
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        Networks.Where(network => !IPNetwork.TryParse(network, out _))
            .Select(network => new ValidationResult($"{Section}:{nameof(AllowedNetworks)} has \"{network}\", which is not a network such as 10.0.0.0/8.", [nameof(AllowedNetworks)]));
}
