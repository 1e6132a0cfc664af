using DelistPortal.Delisting;
using DelistPortal.Tests.Support;

namespace DelistPortal.Tests.Security;

public sealed class ShutdownAndHstsTests
{
    [Fact]
    public async Task AGracefulShutdownFinishesTheMailInFlight()
    {
        await using var smtp = await SmtpReceiver.StartNewAsync();
        smtp.AcceptDelay = TimeSpan.FromSeconds(2);
        var portal = new PortalFactory(smtp.Port);
        try
        {
            await portal.Services.SubmitSolvedAsync("postmaster@sender.example", "203.0.113.7", null);
            await smtp.MessageInFlight.Task.WaitAsync(TimeSpan.FromSeconds(20));

            // Stop while the mail server is still taking the message: the host waits for the send to finish.
            await portal.DisposeAsync();

            // The portal saw the server accept it (a cancelled send would not log this), and the server has it.
            Assert.Contains(portal.Logs.Lines, line => line.Contains("sent (attempt 1)"));
            Assert.Single(smtp.Messages);
        }
        finally
        {
            await portal.DisposeAsync();
        }
    }

    [Fact]
    public async Task HttpsResponsesCarryHstsInProduction()
    {
        await using var portal = new PortalFactory { Environment = "Production" };
        using var client = portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://delist.example.net"),
        });

        var response = await client.GetAsync("/");

        Assert.Contains("max-age=", response.Headers.GetValues("Strict-Transport-Security").Single());
    }
}
