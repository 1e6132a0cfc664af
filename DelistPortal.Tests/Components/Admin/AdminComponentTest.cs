using System.Security.Claims;
using Bunit;
using DelistPortal.Admin;
using DelistPortal.Tests.Support;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using MudBlazor.Services;

namespace DelistPortal.Tests.Components.Admin;

/// <summary>
/// The MudBlazor setup of <see cref="PortalComponentTest"/> plus the admin services and a signed-in user
/// (an admin unless the test class says otherwise), on the harness's temporary database.
/// </summary>
public abstract class AdminComponentTest : BunitContext, IAsyncLifetime
{
    protected AdminComponentTest(string role = AdminRoles.Admin, string userName = "alice")
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Harness.Register(Services);
        Services.AddAdminServicesForTests();
        var authorization = AddAuthorization();
        authorization.SetAuthorized(userName);
        authorization.SetRoles(role);
        Caller = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, userName), new Claim(ClaimTypes.Role, role)], "Test"));
        SetRendererInfo(new RendererInfo("Server", true));
        Render<MudPopoverProvider>();
        Dialogs = Render<MudDialogProvider>();
    }

    protected DelistingHarness Harness { get; } = new();

    protected ClaimsPrincipal Caller { get; }

    /// <summary>Where dialogs appear.</summary>
    protected IRenderedComponent<MudDialogProvider> Dialogs { get; }

    /// <summary>Opens a dialog the way the pages do, and returns its reference.</summary>
    protected async Task<IDialogReference> ShowDialogAsync<TDialog>(DialogParameters<TDialog> parameters) where TDialog : ComponentBase
    {
        var service = Services.GetRequiredService<IDialogService>();
        return await Dialogs.InvokeAsync(() => service.ShowAsync<TDialog>("Dialog", parameters));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        Harness.Dispose();
    }
}
