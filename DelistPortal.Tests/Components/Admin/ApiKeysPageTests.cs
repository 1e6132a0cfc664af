using Bunit;
using DelistPortal.Admin;
using DelistPortal.Api;
using DelistPortal.Components.Pages.Admin;

namespace DelistPortal.Tests.Components.Admin;

public class ApiKeysPageTests : AdminComponentTest
{
    [Fact]
    public async Task AnAdminCreatesAKeySeesItsSecretOnceAndCanRevokeIt()
    {
        var page = Render<ApiKeys>();
        page.WaitForAssertion(() => Assert.Contains("No API keys yet.", page.Markup));

        page.FindAll("input").First(i => i.GetAttribute("type") != "checkbox").Change("sensor 4");
        await page.FindAll("button").Single(b => b.TextContent.Trim() == "Create key").ClickAsync(new());

        page.WaitForAssertion(() => Assert.StartsWith("dpk_", page.Find("[data-testid=api-key-secret]").TextContent));
        var secret = page.Find("[data-testid=api-key-secret]").TextContent;
        var keys = Services.GetRequiredService<ApiKeyService>();
        Assert.Equal(ApiKeyCheck.Valid, (await keys.VerifyAsync(secret, ApiScopes.ListingsWrite)).Check);

        await page.FindAll("button").Single(b => b.TextContent.Trim() == "Revoke sensor 4").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("Revoked", page.Markup));
        Assert.Empty(page.FindAll("[data-testid=api-key-secret]"));
        Assert.NotEqual(ApiKeyCheck.Valid, (await keys.VerifyAsync(secret, ApiScopes.ListingsWrite)).Check);
    }
}

public class ApiKeysPageForViewersTests() : AdminComponentTest(AdminRoles.Viewer, "victor")
{
    [Fact]
    public async Task AViewerSeesKeysButCannotCreateOrRevokeEvenThroughTheService()
    {
        await Services.GetRequiredService<ApiKeyService>().CreateAsync("feed", [ApiScopes.ZoneRead]);

        var page = Render<ApiKeys>();

        page.WaitForAssertion(() => Assert.Contains("feed", page.Markup));
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Contains("Revoke") || b.TextContent.Contains("Create key"));
        var service = Services.GetRequiredService<ApiKeyAdminService>();
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() => service.CreateAsync(Caller, "sneaky", [ApiScopes.ListingsWrite]));
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() => service.RevokeAsync(Caller, 1));
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() => service.ListAsync(new System.Security.Claims.ClaimsPrincipal()));
    }
}
