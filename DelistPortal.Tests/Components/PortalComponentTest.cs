using Bunit;
using Microsoft.AspNetCore.Components;
using DelistPortal.Tests.Support;
using MudBlazor;
using MudBlazor.Services;

namespace DelistPortal.Tests.Components;

/// <summary>
/// The one MudBlazor setup for component tests: loose JS interop, MudBlazor services, the delisting services on a
/// temporary database, a stand-in for the browser's proof-of-work solver, and a rendered popover provider.
/// </summary>
public abstract class PortalComponentTest : BunitContext, IAsyncLifetime
{
    /// <param name="addServices">What a kind of test adds to the services (the admin area's, a signed-in user) before the first render.</param>
    /// <param name="interceptors">More EF interceptors on the harness's database (<see cref="HeldReads"/>, for example).</param>
    protected PortalComponentTest(Action<PortalComponentTest>? addServices = null, params Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors)
    {
        Harness = new DelistingHarness(interceptors);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Solver = BrowserSolver.AddTo(JSInterop);
        Services.AddMudServices();
        Harness.Register(Services);
        addServices?.Invoke(this);
        // After every Services.Add*: MudBlazor components read the renderer info.
        SetRendererInfo(new RendererInfo("Server", true));
        Popovers = Render<MudPopoverProvider>();
    }

    /// <summary>Where menus and lists open.</summary>
    protected IRenderedComponent<MudPopoverProvider> Popovers { get; }

    protected DelistingHarness Harness { get; }

    /// <summary>The browser's side of the proof of work: solves for real unless a test says otherwise.</summary>
    protected BrowserSolver Solver { get; }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        Harness.Dispose();
    }
}
