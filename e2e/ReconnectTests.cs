using DelistPortal.EndToEnd.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DelistPortal.EndToEnd;

public sealed class ReconnectTests(PortalUnderTest portal) : IClassFixture<PortalUnderTest>
{
    [Fact]
    public async Task ADroppedConnectionReconnectsWithTheWizardStateIntact()
    {
        await using var context = await portal.Browser.NewContextAsync();
        var wizard = new DelistWizardPage(await portal.OpenAsync(context, "/?ip=192.0.2.14"));
        await wizard.SubmitAsync("postmaster@sender.example");
        await Expect(wizard.Heading("Check your email")).ToBeVisibleAsync();

        // Cut the circuit's connection as a network failure would (the hook ASP.NET Core's own tests use); the
        // client's reconnection handler then reconnects to the circuit the server kept.
        // The server's first answer on a new connection means the circuit is reattached.
        var reattached = new TaskCompletionSource();
        wizard.Page.WebSocket += (_, socket) => socket.FrameReceived += (_, _) => reattached.TrySetResult();
        await wizard.Page.EvaluateAsync("() => Blazor._internal.forceCloseConnection()");
        await reattached.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Same circuit, same step: the sender loses nothing and the page still answers.
        await Expect(wizard.Heading("Check your email")).ToBeVisibleAsync();
        await wizard.Page.GetByRole(AriaRole.Button, new() { Name = "Resend" }).ClickAsync();
        await Expect(wizard.Page.GetByText("then ask for the email again")).ToBeVisibleAsync();
    }
}
