using System.Security.Claims;
using Bunit;
using DelistPortal.Admin;
using DelistPortal.Tests.Support;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DelistPortal.Tests.Components.Admin;

/// <summary>
/// <see cref="PortalComponentTest"/> plus the admin services, a signed-in user (an admin unless the test class says
/// otherwise) and a rendered dialog provider, on the harness's temporary database.
/// </summary>
public abstract class AdminComponentTest : PortalComponentTest
{
    protected AdminComponentTest(string role = AdminRoles.Admin, string userName = "alice", params Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors)
        : base(test => SignIn(test, role, userName), interceptors)
    {
        Caller = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, userName), new Claim(ClaimTypes.Role, role)], "Test"));
        Dialogs = Render<MudDialogProvider>();
    }

    protected ClaimsPrincipal Caller { get; }

    /// <summary>Where dialogs appear.</summary>
    protected IRenderedComponent<MudDialogProvider> Dialogs { get; }

    /// <summary>Opens a dialog the way the pages do, and returns its reference.</summary>
    protected async Task<IDialogReference> ShowDialogAsync<TDialog>(DialogParameters<TDialog> parameters) where TDialog : ComponentBase
    {
        var service = Services.GetRequiredService<IDialogService>();
        return await Dialogs.InvokeAsync(() => service.ShowAsync<TDialog>("Dialog", parameters));
    }

    private static void SignIn(PortalComponentTest test, string role, string userName)
    {
        test.Services.AddAdminServicesForTests();
        var authorization = test.AddAuthorization();
        authorization.SetAuthorized(userName);
        authorization.SetRoles(role);
    }
}
