using DelistPortal.Data;
using DelistPortal.Dnsbl;
using DelistPortal.Portal;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Identity;

namespace DelistPortal.Admin;

public static class AdminHostingExtensions
{
    public const string SignInPath = "/admin/signin";

    /// <summary>Identity (EF Core store in the portal's database), the cookie, the two roles, and the admin services.</summary>
    public static IServiceCollection AddAdminArea(this IServiceCollection services)
    {
        services.AddCascadingAuthenticationState();
        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminRoles.ReadPolicy, policy => policy.RequireRole(AdminRoles.Admin, AdminRoles.Viewer))
            .AddPolicy(AdminRoles.WritePolicy, policy => policy.RequireRole(AdminRoles.Admin));
        services.AddIdentityCore<AdminUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                AdminPassword.Apply(options.Password);
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddRoles<IdentityRole>()
            .AddErrorDescriber<LocalizedIdentityErrors>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = SignInPath;
            options.AccessDeniedPath = "/admin/denied";
            options.Cookie.Name = "DelistPortal.Admin";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
        });
        // The cookie's security stamp is checked against the database on every request (Identity's default is every
        // 30 minutes): a removed or re-roled account is signed out at its next page load, download or circuit start.
        // It costs a lookup per admin request; senders have no cookie. Open circuits: AdminAuthenticationStateProvider.
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.Zero);
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, AdminAuthenticationStateProvider>();
        services.AddSingleton<ChangeLog.IChangeLogSubscriber, AccountChangeFollower>();
        services.AddAdminServices();
        services.AddHostedService<FirstAdminSetupNotice>();
        services.AddHostedService(provider => provider.GetRequiredService<ImportJobs>());
        return services;
    }

    /// <summary>The admin area's services, without the web parts (Identity's cookie, hosted jobs): what the tests build on too.</summary>
    public static IServiceCollection AddAdminServices(this IServiceCollection services)
    {
        services.AddSingleton<AccountChanges>();
        services.AddSingleton<FirstAdminSetup>();
        services.AddSingleton<AdminUserService>();
        services.AddSingleton<ListingAdminService>();
        services.AddSingleton<RangeExceptionAdminService>();
        services.AddSingleton<ReviewService>();
        services.AddSingleton<HistoryService>();
        services.AddSingleton<DashboardService>();
        services.AddSingleton<ListingImporter>();
        services.AddOptions<ImportOptions>().BindConfiguration(ImportOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ImportJobs>();
        services.AddSingleton<ImportUploads>();
        services.AddSingleton<ListingExporter>();
        services.AddSingleton<ApiKeyAdminService>();
        return services;
    }

    /// <summary>Sign-out, the Import page's uploads, and the downloads (CSV of a grid view, rbldnsd zones) that a browser fetches with the cookie.</summary>
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/admin/signout", async (HttpContext http, IAntiforgery antiforgery, SignInManager<AdminUser> signIn) =>
        {
            // The form carries an antiforgery token: another site must not be able to sign an admin out.
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.BadRequest();
            }
            await signIn.SignOutAsync();
            return Results.LocalRedirect(SignInPath);
        }).RequireAuthorization();

        // An import file, posted by the Import page's browser with the ticket the page was given (ImportUploads). The
        // ticket stands for an antiforgery token; the body may be far larger than Kestrel's default limit of ~28 MB.
        endpoints.MapPost(ImportUploads.UploadPath + "/{ticket:guid}", async (Guid ticket, HttpContext http, ImportUploads uploads) =>
        {
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = ImportUploads.MaxFileSize;
            }
            if (http.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } statusPages)
            {
                // The status is for the page's script: not the "not found" page, which would answer this POST with 400.
                statusPages.Enabled = false;
            }
            return await uploads.ReceiveAsync(http.User, ticket, http.Request.Body, http.Request.ContentLength, http.RequestAborted) switch
            {
                ImportUploadOutcome.Received => Results.NoContent(),
                ImportUploadOutcome.UnknownTicket => Results.NotFound(),
                ImportUploadOutcome.TooLarge => Results.StatusCode(StatusCodes.Status413PayloadTooLarge),
                _ => Results.BadRequest(),
            };
        }).RequireAuthorization(AdminRoles.ReadPolicy);

        var exports = endpoints.MapGroup("/admin/export").RequireAuthorization(AdminRoles.ReadPolicy);
        exports.MapGet("/listings.csv", (HttpContext http, ListingExporter exporter, CancellationToken ct) =>
            Results.Stream(stream => exporter.WriteCsvAsync(http.User, ListingFilterQuery.Parse(http.Request.Query), stream, ct),
                "text/csv; charset=utf-8", "listings.csv"));
        exports.MapGet("/rbldnsd-ip4set.zone", (HttpContext http, ListingExporter exporter, CancellationToken ct) =>
            Results.Stream(stream => exporter.WriteRbldnsdAsync(http.User, RbldnsdFormat.Ip4Set, stream, ct),
                "text/plain; charset=utf-8", "blocklist-ip4set.zone"));
        exports.MapGet("/rbldnsd-ip6trie.zone", (HttpContext http, ListingExporter exporter, CancellationToken ct) =>
            Results.Stream(stream => exporter.WriteRbldnsdAsync(http.User, RbldnsdFormat.Ip6Trie, stream, ct),
                "text/plain; charset=utf-8", "blocklist-ip6trie.zone"));
        return endpoints;
    }
}
