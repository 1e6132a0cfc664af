using DelistPortal.Data;
using DelistPortal.Tests.Support;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Security;

public class DataProtectionKeyTests
{
    [Fact]
    public async Task KeysLiveInTheDatabaseSoAnotherNodeOrARestartCanReadWhatOneProtected()
    {
        await using var first = new PortalFactory();
        var protectedText = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("circuit state");
        await using var second = new PortalFactory(settings: new Dictionary<string, string?> { ["Portal:DataDirectory"] = first.DataFolder });

        var readBack = second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(protectedText);

        Assert.Equal("circuit state", readBack);
        await using var db = await first.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.NotEmpty(await db.DataProtectionKeys.ToListAsync());
    }
}
