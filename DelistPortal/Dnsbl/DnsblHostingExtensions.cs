using Microsoft.Extensions.Options;

namespace DelistPortal.Dnsbl;

public static class DnsblHostingExtensions
{
    /// <summary>The RFC 5782 responder and the rbldnsd export. The responder listens in the dnsbl role only (Hosting).</summary>
    public static IServiceCollection AddDnsbl(this IServiceCollection services)
    {
        services.AddOptions<DnsblOptions>().BindConfiguration(DnsblOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<DnsblOptions>, DnsblOptionsValidator>();
        services.AddSingleton<DnsblServer>();
        services.AddSingleton<RbldnsdZoneExport>();
        return services;
    }
}
