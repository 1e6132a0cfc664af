using DelistPortal.Admin;
using DelistPortal.Api;
using DelistPortal.Blocklist;
using DelistPortal.Blocklist.Index;
using DelistPortal.ChangeLog;
using DelistPortal.Components;
using DelistPortal.Data;
using DelistPortal.Delisting;
using DelistPortal.Dnsbl;
using DelistPortal.Email;
using DelistPortal.Metrics;
using DelistPortal.Portal;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace DelistPortal.Hosting;

/// <summary>The roles this process was started with, for the code that runs after the container is built.</summary>
public sealed record ProcessRoles(PortalRoles Roles);

public static class PortalHostingExtensions
{
    /// <summary>Checks that must pass before the portal takes traffic (<c>/health/ready</c>).</summary>
    private const string ReadyTag = "ready";

    /// <summary>Configuration section bound to Blazor's <see cref="CircuitOptions"/> (Circuits:DisconnectedCircuitMaxRetained, ...).</summary>
    public const string CircuitSection = "Circuits";

    /// <summary>Every registration of the portal, in one place; what runs depends on the process's <see cref="PortalRoles"/>.</summary>
    public static WebApplicationBuilder AddDelistPortal(this WebApplicationBuilder builder)
    {
        builder.Configuration.AddOperatorSettings(builder.Environment);
        var roles = PortalRoleNames.FromConfiguration(builder.Configuration);
        var services = builder.Services;
        services.AddSingleton(new ProcessRoles(roles));
        services.AddOptions<PortalOptions>().BindConfiguration(PortalOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PublicBaseUrlDefault>();
        services.AddSingleton<IPostConfigureOptions<PortalOptions>>(provider => provider.GetRequiredService<PublicBaseUrlDefault>());
        services.AddSingleton<IValidateOptions<PortalOptions>>(provider => provider.GetRequiredService<PublicBaseUrlDefault>());
        services.AddOptions<ChangeLogOptions>().BindConfiguration(ChangeLogOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton(TimeProvider.System);
        services.AddLocalization();

        // The database, and the change log that keeps this process's in-memory state in step with it.
        services.AddSingleton(provider => new ChangeLogCommitSignal(provider.GetService<ChangeLogFollower>));
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section)
            .Configure<IConfiguration>((options, configuration) => options.ConnectionString = configuration.GetConnectionString("Portal"))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddDbContextFactory<PortalDbContext, PortalDbContextFactory>((provider, options) => options
            .UsePortalDatabase(builder.Configuration, provider.GetRequiredService<IOptions<DatabaseOptions>>().Value,
                provider.GetRequiredService<IOptions<PortalOptions>>().Value)
            .AddInterceptors(provider.GetRequiredService<ChangeLogCommitSignal>()));
        services.AddSingleton<ChangeLogFollower>();
        services.AddHostedService(provider => provider.GetRequiredService<ChangeLogFollower>());
        // PostgreSQL: other hosts' commits wake the follower at once (NOTIFY); the poll stays as the backstop.
        services.AddHostedService<ChangeLogNotifications>();
        // The index's snapshot lives beside the SQLite file (none for an in-memory database); on PostgreSQL in this
        // host's data folder, named after the server and database.
        services.AddSingleton(provider =>
        {
            var portal = provider.GetRequiredService<IOptions<PortalOptions>>().Value;
            var database = provider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            return new IndexSnapshotFile(provider.GetRequiredService<IDbContextFactory<PortalDbContext>>(),
                database.Provider == DatabaseProvider.PostgreSQL
                    ? IndexSnapshotFile.PathForPostgreSql(database.ConnectionString!, portal.DataDirectoryPath)
                    : IndexSnapshotFile.PathFor(DatabaseConnection.ConnectionString(provider.GetRequiredService<IConfiguration>(), portal)),
                provider.GetRequiredService<ILogger<IndexSnapshotFile>>(), thisHostsOwn: database.Provider == DatabaseProvider.PostgreSQL);
        });

        services.AddDataProtection().SetApplicationName("DelistPortal").PersistKeysToDbContext<PortalDbContext>();
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag])
            .AddCheck<OutboxHealthCheck>("mail-outbox", tags: [ReadyTag]);

        // The features, each registering itself; what runs in the background depends on the roles below.
        services.AddBlocklist();
        services.AddMail();
        services.AddDelisting();
        services.AddDnsbl();
        builder.AddPortalMetrics(roles);

        if (roles.HasFlag(PortalRoles.Web))
        {
            // Serves MudBlazor's files from the package cache when the app runs unpublished, whatever the environment.
            builder.WebHost.UseStaticWebAssets();
            services.AddRazorComponents().AddInteractiveServerComponents();
            // The framework's circuit settings, by their own names, for operators who tune a host (README, "Capacity").
            services.AddOptions<CircuitOptions>().BindConfiguration(CircuitSection);
            services.AddMudServices();
            // MudBlazor's own texts in the page's language, from the portal's resources.
            services.AddTransient<MudBlazor.MudLocalizer, DelistPortal.Resources.PortalMudLocalizer>();
            services.AddPortalApi();
            services.AddAdminArea();
        }
        if (roles.HasFlag(PortalRoles.Dnsbl))
        {
            services.AddHostedService(provider => provider.GetRequiredService<DnsblServer>());
            if (!roles.HasFlag(PortalRoles.Worker))
            {
                // On PostgreSQL no other host writes this host's snapshot: without its own, a dnsbl-only host read the
                // whole table at every start (the worker's writer, below, is every other host's).
                services.AddHostedService(provider => ActivatorUtilities.CreateInstance<IndexSnapshotWriter>(provider, true));
            }
        }
        if (roles.HasFlag(PortalRoles.Worker))
        {
            services.AddHostedService(provider => provider.GetRequiredService<OutboxSender>());
            services.AddSingleton<IChangeLogSubscriber, OutboxFollower>();
            services.AddHostedService<ListingExpiryWorker>();
            services.AddHostedService<ChangeLogPruner>();
            services.AddHostedService<IndexSnapshotWriter>();
        }
        return builder;
    }

    public static WebApplication UseDelistPortal(this WebApplication app)
    {
        var roles = app.Services.GetRequiredService<ProcessRoles>().Roles;
        if (!roles.HasFlag(PortalRoles.Web))
        {
            // A DNSBL or worker process answers health checks (and metrics) only.
            app.UsePortalMetrics();
            MapHealthChecks(app);
            LogRoles(app, roles);
            return app;
        }
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
            // Only sent over HTTPS; behind a TLS proxy set ASPNETCORE_FORWARDEDHEADERS_ENABLED so the scheme is known.
            app.UseHsts();
        }
        app.UsePortalMetrics();
        app.UseSecurityHeaders();
        app.UseStatusCodePagesWithReExecute("/not-found");
        // Query string, then the culture cookie (the EN/FR switch), then Accept-Language: the framework's default order.
        app.UseRequestLocalization(options => options
            .SetDefaultCulture(PortalCultures.Default)
            .AddSupportedCultures([.. PortalCultures.Supported])
            .AddSupportedUICultures([.. PortalCultures.Supported]));
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        MapHealthChecks(app);
        app.MapStaticAssets();
        app.MapPortalApi();
        app.MapCultureSwitch();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAdminEndpoints();

        LogRoles(app, roles);
        WarnIfProofOfWorkCannotRun(app);
        return app;
    }

    /// <summary>
    /// Browsers give Web Crypto only to secure pages (HTTPS, or localhost): on plain HTTP elsewhere they cannot solve
    /// the proof of work and every Submit would be refused. Say so at start-up rather than in the senders' browsers.
    /// </summary>
    private static void WarnIfProofOfWorkCannotRun(WebApplication app)
    {
        var publicUri = app.Services.GetRequiredService<IOptions<PortalOptions>>().Value.GetPublicBaseUri();
        if (app.Services.GetRequiredService<IOptions<ProofOfWorkOptions>>().Value.Enabled &&
            publicUri.Scheme == Uri.UriSchemeHttp && !publicUri.IsLoopback)
        {
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("DelistPortal").LogWarning(
                "Portal:PublicBaseUrl is plain HTTP ({Url}): browsers allow Web Crypto only over HTTPS (or on localhost), so they " +
                "cannot solve the proof of work and every Submit will be refused. Serve the portal over HTTPS, or set ProofOfWork:Enabled=false",
                publicUri);
        }
    }

    private static void MapHealthChecks(WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
    }

    private static void LogRoles(WebApplication app, PortalRoles roles)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("DelistPortal");
        logger.LogInformation("This process's roles (Portal:Roles): {Roles}", roles);
        var portal = app.Services.GetRequiredService<IOptions<PortalOptions>>().Value;
        if (portal.PublicBaseUrlFollowsListeningAddress)
        {
            logger.LogInformation("Links in mail and DNSBL answers point at {PublicBaseUrl}: the address the portal listens on, as Portal:PublicBaseUrl is not set", portal.PublicBaseUrl);
        }
        else
        {
            logger.LogInformation("Links in mail and DNSBL answers point at {PublicBaseUrl} (Portal:PublicBaseUrl)", portal.PublicBaseUrl);
        }
        if (roles.HasFlag(PortalRoles.Web) || roles.HasFlag(PortalRoles.Worker))
        {
            LogMailMode(app, logger);
        }
    }

    private static void LogMailMode(WebApplication app, ILogger logger)
    {
        var mail = app.Services.GetRequiredService<IOptions<MailOptions>>().Value;
        if (mail.UsesSmtp)
        {
            logger.LogInformation("Mail goes out through {Host}:{Port} ({Security})", mail.Smtp.Host, mail.Smtp.Port, mail.Smtp.Security);
        }
        else
        {
            logger.LogWarning("No SMTP host is configured (Mail:Smtp:Host): mail is written to {Folder} and shown on the /mailbox page",
                app.Services.GetRequiredService<MailboxFolder>().Path);
        }
    }

    /// <summary>
    /// The operator's appsettings.json sits at the repository root and is copied beside the binaries. `dotnet run`
    /// uses the project folder as content root, where there is none, so read the copy; it keeps the place (and the
    /// low precedence) that appsettings.json has, below environment variables and the command line.
    /// </summary>
    private static void AddOperatorSettings(this ConfigurationManager configuration, IWebHostEnvironment environment)
    {
        if (File.Exists(Path.Combine(environment.ContentRootPath, "appsettings.json")))
        {
            return;
        }
        var source = new JsonConfigurationSource
        {
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
            Path = "appsettings.json",
            Optional = true,
            ReloadOnChange = true,
        };
        var sources = (IList<IConfigurationSource>)configuration.Sources;
        var firstJson = sources.ToList().FindIndex(s => s is JsonConfigurationSource);
        sources.Insert(firstJson < 0 ? 0 : firstJson, source);
    }
}
