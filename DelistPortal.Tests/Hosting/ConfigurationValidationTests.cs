using DelistPortal.Tests.Support;
using Microsoft.Extensions.Options;

namespace DelistPortal.Tests.Hosting;

public class ConfigurationValidationTests
{
    [Theory]
    [InlineData("SubmissionLimits:PerClient:Limit", "0", "PerClient:Limit")]
    [InlineData("Mail:Smtp:Port", "70000", "Smtp:Port")]
    [InlineData("Delisting:ConfirmationLinkLifetime", "00:00:05", "ConfirmationLinkLifetime")]
    [InlineData("Portal:PublicBaseUrl", "not a url", "PublicBaseUrl")]
    [InlineData("Blocklist:EscalationFactor", "0.5", "EscalationFactor")]
    [InlineData("ProofOfWork:MaxNumber", "10", "MaxNumber")]
    [InlineData("ProofOfWork:ChallengeLifetime", "00:00:10", "ChallengeLifetime")]
    public async Task AWrongSettingStopsTheStartWithAMessageThatNamesTheKey(string key, string value, string named)
    {
        await using var portal = new PortalFactory(settings: new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<Exception>(() => portal.CreateClient());

        // Several validators may fail together (an AggregateException); each names its key.
        var validation = error as OptionsValidationException
            ?? (error as AggregateException)?.Flatten().InnerExceptions.OfType<OptionsValidationException>().FirstOrDefault();
        Assert.NotNull(validation);
        Assert.Contains(named, validation.Message);
    }

    [Theory]
    [InlineData("http://delist.example.net/", true, true)]
    [InlineData("https://delist.example.net/", true, false)]
    [InlineData("http://localhost:5080/", true, false)]
    [InlineData("http://delist.example.net/", false, false)]
    public async Task StartUpWarnsWhenBrowsersCannotSolveTheProofOfWorkOnPlainHttp(string publicUrl, bool enabled, bool warns)
    {
        await using var portal = new PortalFactory(settings: new Dictionary<string, string?>
        {
            ["Portal:PublicBaseUrl"] = publicUrl,
            ["ProofOfWork:Enabled"] = enabled ? "true" : "false",
        });

        portal.CreateClient().Dispose();

        Assert.Equal(warns, portal.Logs.Lines.Any(line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("proof of work")));
    }
}
