using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Components;
using DelistPortal.Data;
using DelistPortal.Delisting;
using DelistPortal.Email;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace DelistPortal.Hosting;

public static class PortalHostingExtensions
{
    /// <summary>Every registration of the portal, in one place.</summary>
    public static WebApplicationBuilder AddDelistPortal(this WebApplicationBuilder builder)
    {
        builder.Configuration.AddOperatorSettings(builder.Environment);
        // Serves MudBlazor's files from the package cache when the app runs unpublished, whatever the environment.
        builder.WebHost.UseStaticWebAssets();

        var services = builder.Services;
        services.AddOptions<PortalOptions>().BindConfiguration(PortalOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DelistingOptions>().BindConfiguration(DelistingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BlocklistOptions>().BindConfiguration(BlocklistOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton(TimeProvider.System);
        services.AddLocalization();
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();

        services.AddDbContextFactory<PortalDbContext>((provider, options) =>
            options.UseSqlite(DatabaseConnection.ConnectionString(builder.Configuration, provider.GetRequiredService<IOptions<PortalOptions>>().Value)));

        services.AddSingleton<MailTemplateRenderer>();
        services.AddSingleton(provider => new MailboxFolder(
            Path.Combine(provider.GetRequiredService<IOptions<PortalOptions>>().Value.DataDirectoryPath, "mailbox"),
            provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<SmtpMailSender>();
        services.AddSingleton<IMailSender>(provider =>
            provider.GetRequiredService<IOptions<MailOptions>>().Value.UsesSmtp
                ? provider.GetRequiredService<SmtpMailSender>()
                : provider.GetRequiredService<MailboxFolder>());

        services.AddSingleton<ListingPolicy>();
        services.AddSingleton<BlocklistService>();
        services.AddHostedService<ListingExpiryWorker>();

        services.AddScoped<ConfirmationMailer>();
        services.AddScoped<DelistService>();

        services.AddAdminArea();
        return builder;
    }

    public static WebApplication UseDelistPortal(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }
        app.UseStatusCodePagesWithReExecute("/not-found");
        app.UseRequestLocalization(options => options
            .SetDefaultCulture("en")
            .AddSupportedCultures("en")
            .AddSupportedUICultures("en"));
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAdminEndpoints();

        LogMailMode(app);
        return app;
    }

    private static void LogMailMode(WebApplication app)
    {
        var mail = app.Services.GetRequiredService<IOptions<MailOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("DelistPortal");
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
