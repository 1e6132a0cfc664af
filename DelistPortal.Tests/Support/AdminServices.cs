using DelistPortal.Admin;
using DelistPortal.Data;
using DelistPortal.Dnsbl;
using DelistPortal.Portal;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Support;

public static class AdminServices
{
    /// <summary>The admin area's services on top of <see cref="DelistingHarness.Register"/>.</summary>
    public static IServiceCollection AddAdminServicesForTests(this IServiceCollection services)
    {
        services.AddDnsbl();
        services.AddAdminServices();
        services.AddSingleton<DelistPortal.Api.ApiKeyService>();
        // Accounts: Identity's stores on the same database, a DbContext per scope as AddDbContextFactory gives the app.
        services.AddScoped(provider => provider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext());
        services.AddIdentityCore<AdminUser>().AddRoles<IdentityRole>().AddEntityFrameworkStores<PortalDbContext>();
        return services;
    }

    /// <summary>A container with the delisting and admin services on the harness's database, clock and mail.</summary>
    public static ServiceProvider BuildAdminProvider(this DelistingHarness harness)
    {
        var services = new ServiceCollection();
        harness.Register(services);
        services.AddAdminServicesForTests();
        return services.BuildServiceProvider();
    }
}
