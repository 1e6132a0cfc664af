using AngleSharp.Dom;
using Bunit;
using DelistPortal.Admin;
using DelistPortal.Components.Pages.Admin;
using DelistPortal.Portal;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Identity;

namespace DelistPortal.Tests.Components.Admin;

public sealed class UsersPageTests : AdminComponentTest
{
    [Fact]
    public async Task AnAdminMakesAViewerAnAdmin()
    {
        await Accounts.SeedAsync(Services, ("alice", AdminRoles.Admin), ("victor", AdminRoles.Viewer));
        var page = Render<Users>();
        await page.WaitForAssertionAsync(() => Assert.Contains("victor", page.Markup));

        await Button(page.FindAll("button"), "Make victor an Admin").ClickAsync(new MouseEventArgs());

        await page.WaitForAssertionAsync(() => Button(page.FindAll("button"), "Make victor a Viewer"));
        Assert.Equal(AdminRoles.Admin, await Accounts.RoleOfAsync(Services, "victor"));
        Assert.DoesNotContain("role=\"alert\"", page.Markup);
    }

    [Fact]
    public async Task RemovingAnAccountAsksFirstAndCancellingKeepsIt()
    {
        await Accounts.SeedAsync(Services, ("alice", AdminRoles.Admin), ("victor", AdminRoles.Viewer));
        var page = Render<Users>();
        await page.WaitForAssertionAsync(() => Assert.Contains("victor", page.Markup));

        // The page's handler waits for the dialog: answer it before awaiting the click.
        var cancelled = Button(page.FindAll("button"), "Remove victor").ClickAsync(new MouseEventArgs());
        await Dialogs.WaitForAssertionAsync(() => Assert.Contains("Remove the account victor?", Dialogs.Markup));
        await Button(Dialogs.FindAll("button"), "Cancel").ClickAsync(new MouseEventArgs());
        await cancelled;
        Assert.Equal(AdminRoles.Viewer, await Accounts.RoleOfAsync(Services, "victor"));

        var confirmed = Button(page.FindAll("button"), "Remove victor").ClickAsync(new MouseEventArgs());
        await Dialogs.WaitForAssertionAsync(() => Assert.Contains("victor is signed out at once", Dialogs.Markup));
        await Button(Dialogs.FindAll("button"), "Remove account").ClickAsync(new MouseEventArgs());
        await confirmed;

        await page.WaitForAssertionAsync(() => Assert.DoesNotContain("victor", page.Markup));
        Assert.Null(await Accounts.RoleOfAsync(Services, "victor"));
    }

    [Fact]
    public async Task TheOnlyAdminIsNotOfferedWhatTheServiceWouldRefuse()
    {
        await Accounts.SeedAsync(Services, ("alice", AdminRoles.Admin), ("victor", AdminRoles.Viewer));
        var page = Render<Users>();
        await page.WaitForAssertionAsync(() => Assert.Contains("alice (you)", page.Markup));

        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Trim() is "Remove alice" or "Make alice a Viewer");
        Assert.Contains(page.FindAll("button"), b => b.TextContent.Trim() == "Make victor an Admin");
    }

    [Fact]
    public async Task WithASecondAdminTheFirstMayBecomeAViewer()
    {
        await Accounts.SeedAsync(Services, ("alice", AdminRoles.Admin), ("bob", AdminRoles.Admin));
        var page = Render<Users>();
        await page.WaitForAssertionAsync(() => Assert.Contains("alice (you)", page.Markup));

        Assert.Contains(page.FindAll("button"), b => b.TextContent.Trim() == "Make alice a Viewer");
        Assert.Contains(page.FindAll("button"), b => b.TextContent.Trim() == "Remove bob");
    }

    [Fact]
    public async Task AChangeToAnAccountSomeoneElseJustChangedIsRefusedWithAMessage()
    {
        await Accounts.SeedAsync(Services, ("alice", AdminRoles.Admin), ("bob", AdminRoles.Admin), ("victor", AdminRoles.Viewer));
        var page = Render<Users>();
        await page.WaitForAssertionAsync(() => Assert.Contains("victor", page.Markup));
        // Bob makes victor an admin while alice's page still shows victor as a viewer.
        var service = Services.GetRequiredService<AdminUserService>();
        var seen = (await service.ListAsync(Caller)).Single(u => u.UserName == "victor");
        Assert.True((await service.ChangeRoleAsync(Support.Principals.Admin("bob"), seen.Id, seen.Stamp, AdminRoles.Admin)).Succeeded);

        await Button(page.FindAll("button"), "Make victor an Admin").ClickAsync(new MouseEventArgs());

        await page.WaitForAssertionAsync(() => Assert.Contains("Another admin changed victor after you opened this page. Nothing was changed", page.Find("[role=alert]").TextContent));
        Assert.Contains(page.FindAll("button"), b => b.TextContent.Trim() == "Make victor a Viewer");
    }

    internal static IElement Button(IEnumerable<IElement> buttons, string text) => buttons.Single(b => b.TextContent.Trim() == text);
}

public sealed class UsersPageForViewersTests() : AdminComponentTest(AdminRoles.Viewer, "victor")
{
    [Fact]
    public async Task AViewerSeesTheAccountsWithoutAnyAction()
    {
        await Accounts.SeedAsync(Services, ("alice", AdminRoles.Admin), ("victor", AdminRoles.Viewer));

        var page = Render<Users>();

        await page.WaitForAssertionAsync(() => Assert.Contains("alice", page.Markup));
        Assert.Empty(page.FindAll("button"));
    }
}

/// <summary>Accounts made directly through Identity (the service would need an admin to exist already).</summary>
internal static class Accounts
{
    public static async Task SeedAsync(IServiceProvider services, params (string UserName, string Role)[] accounts)
    {
        using var scope = services.CreateScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in AdminRoles.All)
        {
            await roles.CreateAsync(new IdentityRole(role));
        }
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>();
        foreach (var (userName, role) in accounts)
        {
            var user = new AdminUser { UserName = userName, Email = $"{userName}@example.net" };
            Assert.True((await users.CreateAsync(user, "Long-enough-passw0rd")).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        }
    }

    /// <summary>The account's role in the database, or null when it no longer exists.</summary>
    public static async Task<string?> RoleOfAsync(IServiceProvider services, string userName)
    {
        using var scope = services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>();
        return await users.FindByNameAsync(userName) is { } user ? (await users.GetRolesAsync(user)).Single() : null;
    }
}
