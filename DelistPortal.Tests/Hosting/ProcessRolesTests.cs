using DelistPortal.Admin;
using DelistPortal.Api;
using DelistPortal.Blocklist;
using DelistPortal.Dnsbl;
using DelistPortal.Email;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;

namespace DelistPortal.Tests.Hosting;

/// <summary>Each feature registers itself; the roles decide what else a process carries.</summary>
public sealed class ProcessRolesTests
{
    [Fact]
    public async Task ADnsblOnlyProcessRegistersNoPagesIdentityOrApi()
    {
        await using var portal = new PortalFactory();
        // A host setting, so that it is there when the roles are read (before the factory's own configuration is added).
        await using var dnsblOnly = portal.WithWebHostBuilder(host => host.UseSetting("Portal:Roles", "dnsbl"));
        var registered = dnsblOnly.Services.GetRequiredService<IServiceProviderIsService>();

        Assert.True(registered.IsService(typeof(DnsblServer)));
        Assert.True(registered.IsService(typeof(BlocklistService)));
        Assert.False(registered.IsService(typeof(SignInManager<AdminUser>)));
        Assert.False(registered.IsService(typeof(ApiKeyService)));
        Assert.False(registered.IsService(typeof(MudBlazor.IDialogService)));
        Assert.False(registered.IsService(typeof(ReviewService)));
    }

    [Fact]
    public async Task AWorkerOnlyProcessCanWriteEveryKindOfMail()
    {
        await using var portal = new PortalFactory();
        await using var workerOnly = portal.WithWebHostBuilder(host => host.UseSetting("Portal:Roles", "worker"));

        var kinds = workerOnly.Services.GetServices<IOutboxMailWriter>().Select(w => w.Kind).Order();

        Assert.Equal(["Confirmation", "ReviewOutcome"], kinds);
    }
}
