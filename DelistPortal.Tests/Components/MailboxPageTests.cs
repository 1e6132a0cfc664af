using Bunit;
using DelistPortal.Components.Pages.Mailbox;
using DelistPortal.Email;
using MimeKit;

namespace DelistPortal.Tests.Components;

/// <summary>The embedded Mailbox page (no SMTP server): the confirmation mail shows up without pressing Refresh.</summary>
public sealed class MailboxPageTests : PortalComponentTest
{
    private readonly MailboxFolder _folder;

    public MailboxPageTests()
        : base(test => AddMailbox((MailboxPageTests)test))
    {
        _folder = Services.GetRequiredService<MailboxFolder>();
    }

    /// <summary>No SMTP server, and the mailbox in the harness's temporary folder, which goes with it.</summary>
    private static void AddMailbox(MailboxPageTests test) => test.Services
        .AddSingleton(Microsoft.Extensions.Options.Options.Create(new MailOptions()))
        .AddSingleton(new MailboxFolder(Path.Combine(test.Harness.Database.Folder, "mailbox"), test.Harness.Clock));

    [Fact]
    public async Task MailThatArrivesWhileThePageIsOpenIsShownWithoutRefresh()
    {
        var page = Render<Mailbox>();
        await page.WaitForAssertionAsync(() => Assert.Contains("No mail yet", page.Markup));

        await _folder.SendAsync(new MimeMessage([], [MailboxAddress.Parse("postmaster@sender.example")], "Confirm the removal of 198.51.100.23",
            new TextPart("html") { Text = "<p>Open the delist page</p>" }), CancellationToken.None);
        Harness.Clock.Advance(Mailbox.PollInterval);

        await page.WaitForAssertionAsync(() => Assert.Contains("Confirm the removal of 198.51.100.23", page.Markup));
        Assert.DoesNotContain("No mail yet", page.Markup);
    }
}
