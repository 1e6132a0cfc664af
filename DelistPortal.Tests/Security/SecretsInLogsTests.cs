using DelistPortal.Delisting;
using DelistPortal.Tests.Support;

namespace DelistPortal.Tests.Security;

public sealed class SecretsInLogsTests : IAsyncLifetime
{
    private const string SmtpPassword = "correct-horse-battery-staple";
    private SmtpReceiver _smtp = null!;
    private PortalFactory _portal = null!;

    public async Task InitializeAsync()
    {
        _smtp = await SmtpReceiver.StartNewAsync();
        _portal = new PortalFactory(_smtp.Port, new Dictionary<string, string?> { ["Mail:Smtp:Password"] = SmtpPassword });
    }

    public async Task DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    [Fact]
    public async Task NeitherConfirmationTokensNorTheSmtpPasswordReachTheLogs()
    {
        using var client = _portal.CreateClient();
        using var scope = _portal.Services.CreateScope();
        var service = scope.ServiceProvider.GetRequiredService<DelistService>();
        await service.SubmitAsync("postmaster@sender.example", "203.0.113.7", "192.0.2.1", scope.ServiceProvider.IssueAndSolve());
        var link = MailLinks.ConfirmationLink(await _smtp.WaitForMessageAsync(_ => true));
        var query = System.Web.HttpUtility.ParseQueryString(link.Query);
        await client.GetStringAsync(link.PathAndQuery);
        await service.DelistAsync(query["request"], query["token"], "192.0.2.1");
        await _smtp.StopAsync();
        await service.SubmitAsync("postmaster@sender.example", "192.0.2.14", "192.0.2.1", scope.ServiceProvider.IssueAndSolve());

        var logs = string.Join('\n', _portal.Logs.Lines);
        Assert.Contains(query["request"]!, logs);
        Assert.DoesNotContain(query["token"]!, logs);
        Assert.DoesNotContain(SmtpPassword, logs);
    }
}
