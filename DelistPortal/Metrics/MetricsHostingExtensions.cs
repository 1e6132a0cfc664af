using DelistPortal.Portal;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace DelistPortal.Metrics;

public static class MetricsHostingExtensions
{
    public const string Path = "/metrics";

    /// <summary>The instruments always (they cost nothing unheard); listened to and exported only with <c>Metrics:Enabled</c>.</summary>
    public static WebApplicationBuilder AddPortalMetrics(this WebApplicationBuilder builder, PortalRoles roles)
    {
        var services = builder.Services;
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PortalMetrics>();
        if (roles.HasFlag(PortalRoles.Web))
        {
            services.AddScoped<CircuitHandler, CircuitCounter>();
        }
        services.AddSingleton<PortalGauges>();
        // Decided when the provider is built, from the bound options: with metrics off no meter is listened to, so the
        // instruments stay disabled and cost nothing (the DNSBL's hot path included).
        services.AddOpenTelemetry().WithMetrics(metrics => ((IDeferredMeterProviderBuilder)metrics.AddPrometheusExporter()).Configure(
            (provider, meters) =>
            {
                if (provider.GetRequiredService<IOptions<MetricsOptions>>().Value.Enabled)
                {
                    // The portal's own, and what ASP.NET Core and the runtime publish themselves (.NET 9 and later).
                    meters.AddMeter(PortalMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
                        "Microsoft.AspNetCore.Components", "Microsoft.AspNetCore.Components.Server.Circuits", "System.Runtime");
                }
            }));
        return builder;
    }

    /// <summary>Answers <c>/metrics</c> to the allowed networks only; others fall through to the usual 404.</summary>
    public static WebApplication UsePortalMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }
        app.Services.GetRequiredService<PortalGauges>();
        app.UseOpenTelemetryPrometheusScrapingEndpoint(http =>
            http.Request.Path == Path && options.Allows(http.Connection.RemoteIpAddress));
        return app;
    }
}
