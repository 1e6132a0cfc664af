using DelistPortal.Hosting;
using DelistPortal.Portal;
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

    [Theory]
    [InlineData("http://127.0.0.1:5099", "http://127.0.0.1:5099/")]
    [InlineData("http://localhost:5080;https://localhost:5443", "http://localhost:5080/")]
    [InlineData("http://0.0.0.0:8080", "http://{host}:8080/")]
    [InlineData("https://[::]:8443", "https://{host}:8443/")]
    [InlineData("http://*:8080", "http://{host}:8080/")]
    [InlineData("http://[2001:db8::1]:8080", "http://[2001:db8::1]:8080/")]
    [InlineData(null, "http://localhost:5000/")]
    public void WithoutAPublicBaseUrlLinksFollowTheFirstListeningAddress(string? urls, string expected) =>
        Assert.Equal(expected.Replace("{host}", System.Net.Dns.GetHostName(), StringComparison.Ordinal), PublicBaseUrlDefault.FromListeningAddress(urls));

    [Fact]
    public async Task AnUnsetPublicBaseUrlIsTakenFromTheUrlsTheServerIsGivenAndLogged()
    {
        await using var portal = new PortalFactory(settings: new Dictionary<string, string?>
        {
            ["Portal:PublicBaseUrl"] = "",
            ["urls"] = "http://0.0.0.0:8080",
        });

        portal.CreateClient().Dispose();

        var expected = $"http://{System.Net.Dns.GetHostName()}:8080/";
        Assert.Equal(expected, portal.Services.GetRequiredService<IOptions<PortalOptions>>().Value.PublicBaseUrl);
        Assert.Contains(portal.Logs.Lines, line => line.Contains(expected, StringComparison.Ordinal) && line.Contains("listens on", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BehindAProxyAnUnsetPublicBaseUrlStopsTheStartNamingTheKey()
    {
        await using var portal = new PortalFactory(settings: new Dictionary<string, string?>
        {
            ["Portal:PublicBaseUrl"] = "",
            ["FORWARDEDHEADERS_ENABLED"] = "true",
        });

        var error = Assert.ThrowsAny<Exception>(() => portal.CreateClient());

        var messages = error is AggregateException aggregate ? string.Join("\n", aggregate.Flatten().InnerExceptions.Select(e => e.Message)) : error.Message;
        Assert.Contains("Portal:PublicBaseUrl must be set when forwarded headers are enabled", messages);
    }
}
