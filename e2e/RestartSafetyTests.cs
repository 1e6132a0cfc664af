using DelistPortal.EndToEnd.Support;
using DelistPortal.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DelistPortal.EndToEnd;

/// <summary>Killing the portal (SIGKILL) at any point of the flow loses nothing the sender was told happened.</summary>
public sealed class RestartSafetyTests(PortalUnderTest browserHost) : IClassFixture<PortalUnderTest>, IAsyncLifetime
{
    private readonly string _dataFolder = Directory.CreateTempSubdirectory("delistportal-restart-").FullName;
    private SmtpReceiver _smtp = null!;
    private PortalProcess _portal = null!;

    public async Task InitializeAsync()
    {
        _smtp = await SmtpReceiver.StartNewAsync();
        _portal = new PortalProcess(_dataFolder, FreePort.Tcp(), _smtp.Port);
        await _portal.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _smtp.DisposeAsync();
        Directory.Delete(_dataFolder, recursive: true);
    }

    [Fact]
    public async Task AKillAfterSubmitAndAnotherAfterDelistLoseNothing()
    {
        await using var context = await browserHost.Browser.NewContextAsync();
        var wizard = new DelistWizardPage(await OpenAsync(context, "/?ip=203.0.113.25"));
        await wizard.SubmitAsync("postmaster@sender.example");
        await Expect(wizard.Heading("Check your email")).ToBeVisibleAsync();
        var link = MailLinks.ConfirmationLink(await _smtp.WaitForMessageAsync(_ => true));

        await _portal.KillAsync();
        await _portal.StartAsync();

        // The stored request survived: the link from before the crash works.
        var confirm = new DelistWizardPage(await OpenAsync(context, link.PathAndQuery));
        await confirm.DelistButton.ClickAsync();
        await Expect(confirm.Page.GetByText("203.0.113.25 has been removed from the blocklist")).ToBeVisibleAsync();

        await _portal.KillAsync();
        await _portal.StartAsync();

        // The delist the sender was shown survived too, and the link stays used.
        var reused = await OpenAsync(context, link.PathAndQuery);
        await Expect(reused.GetByText("This link has already been used")).ToBeVisibleAsync();
        var again = new DelistWizardPage(await OpenAsync(context, "/"));
        await again.SubmitAsync("postmaster@sender.example", "203.0.113.25");
        await Expect(again.Page.GetByText("203.0.113.25 is not on our blocklist")).ToBeVisibleAsync();
    }

    private async Task<IPage> OpenAsync(IBrowserContext context, string pathAndQuery)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(_portal.RootUri, pathAndQuery).AbsoluteUri);
        await page.Locator("[data-interactive='true']").WaitForAsync();
        return page;
    }

}
