using System.Net;
using System.Text.RegularExpressions;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using DelistPortal.Tests.Support;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace DelistPortal.Tests.Integration;

/// <summary>
/// The admin area over HTTP, as the real app wires it: no default account, the one-time setup link from the log,
/// lockout, and that anonymous users and viewers change nothing through pages or endpoints.
/// </summary>
public sealed partial class AdminAccessTests : IAsyncLifetime
{
    private const string AdminPassword = "correct horse battery staple";
    private const string SmtpPassword = "smtp-secret-0f9a8b7c";

    private readonly PortalFactory _factory = new(settings: new Dictionary<string, string?> { ["Mail:Smtp:Password"] = SmtpPassword });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task TheFirstAdminIsCreatedThroughTheLoggedSetupLinkWhichWorksOnce()
    {
        using var browser = new AdminHttpClient(_factory);
        var link = SetupLink();

        var created = await CreateFirstAdminAsync(browser, link);
        var again = await browser.GetHtmlAsync(link.PathAndQuery);
        var signedIn = await browser.SignInAsync("alice", AdminPassword);

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal("/admin/signin?created=1", PathOf(created));
        Assert.Contains("This setup link is not valid", again);
        Assert.Equal("/admin", PathOf(signedIn));
        await using var db = await _factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.Users.CountAsync());
    }

    [Fact]
    public async Task AWrongOrExpiredSetupTokenCreatesNothing()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = _factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        _ = factory.Server;
        var link = SetupLinks(_factory.Logs).Last();
        var setup = factory.Services.GetRequiredService<FirstAdminSetup>();

        var validAtFirst = await setup.IsValidAsync(Token(link));
        var forged = await setup.IsValidAsync("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        clock.Advance(FirstAdminSetup.LinkLifetime + TimeSpan.FromSeconds(1));

        Assert.True(validAtFirst);
        Assert.False(forged);
        Assert.False(await setup.IsValidAsync(Token(link)));
        Assert.False((await setup.CreateFirstAdminAsync(Token(link), "mallory", "m@example.net", AdminPassword)).Succeeded);
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(0, await db.Users.CountAsync());
    }

    [Fact]
    public async Task AnAccountIsLockedOutAfterFiveFailedSignIns()
    {
        using var browser = new AdminHttpClient(_factory);
        await CreateFirstAdminAsync(browser, SetupLink());

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var failed = await browser.SignInAsync("alice", "wrong password " + attempt);
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        }
        var refused = await browser.SignInAsync("alice", AdminPassword);

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Too many failed attempts", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/admin/listings")).StatusCode);
    }

    [Theory]
    [InlineData("/admin")]
    [InlineData("/admin/listings")]
    [InlineData("/admin/requests")]
    [InlineData("/admin/history")]
    [InlineData("/admin/import")]
    [InlineData("/admin/users")]
    [InlineData("/admin/export/listings.csv")]
    [InlineData("/admin/export/rbldnsd-ip4set.zone")]
    public async Task AnAnonymousUserIsSentToSignInFromEveryAdminPage(string path)
    {
        using var browser = new AdminHttpClient(_factory);

        var response = await browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("http://localhost/admin/signin?ReturnUrl=", response.Headers.Location!.AbsoluteUri);
    }

    [Fact]
    public async Task AViewerSeesThePagesWithoutAnyActionAndTheServicesRefuseTheirChanges()
    {
        using var admin = new AdminHttpClient(_factory);
        await CreateFirstAdminAsync(admin, SetupLink());
        var accounts = _factory.Services.GetRequiredService<AdminUserService>();
        Assert.True((await accounts.CreateAsync(Principals.Admin("alice"), "victor", "victor@example.net", AdminPassword, AdminRoles.Viewer)).Succeeded);
        using var viewer = new AdminHttpClient(_factory);
        await viewer.SignInAsync("victor", AdminPassword);
        await using var db = await _factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var eventsBefore = await db.ListingEvents.CountAsync();

        var grid = await viewer.GetHtmlAsync("/admin/listings");
        var users = await viewer.GetHtmlAsync("/admin/users");
        var export = await viewer.GetAsync("/admin/export/listings.csv");
        var listing = await db.Listings.AsNoTracking().FirstAsync(l => l.Network == "203.0.113.7");
        var viewerPrincipal = Principals.Viewer("victor");
        var denied = await Assert.ThrowsAsync<AdminAccessDeniedException>(() =>
            _factory.Services.GetRequiredService<ListingAdminService>().DelistAsync(viewerPrincipal, listing.Id, listing.Version, "viewer tries", null));

        Assert.Contains("Blocklist", grid);
        Assert.DoesNotContain(">Add<", grid);
        Assert.DoesNotContain("Add account", users);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Contains("203.0.113.7", await export.Content.ReadAsStringAsync());
        Assert.NotNull(denied);
        Assert.Equal(eventsBefore, await db.ListingEvents.CountAsync());
    }

    [Fact]
    public async Task SignOutNeedsTheAntiforgeryToken()
    {
        using var browser = new AdminHttpClient(_factory);
        await CreateFirstAdminAsync(browser, SetupLink());
        await browser.SignInAsync("alice", AdminPassword);

        var forged = await browser.PostAsync("/admin/signout");

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin/listings")).StatusCode);
    }

    [Fact]
    public async Task AnImportFileIsTakenOnlyWithTheTicketOfTheSignedInUsersPageAndOnlyOnce()
    {
        using var admin = new AdminHttpClient(_factory);
        await CreateFirstAdminAsync(admin, SetupLink());
        await admin.SignInAsync("alice", AdminPassword);
        var accounts = _factory.Services.GetRequiredService<AdminUserService>();
        Assert.True((await accounts.CreateAsync(Principals.Admin("alice"), "victor", "victor@example.net", AdminPassword, AdminRoles.Viewer)).Succeeded);
        using var viewer = new AdminHttpClient(_factory);
        await viewer.SignInAsync("victor", AdminPassword);
        using var anonymous = new AdminHttpClient(_factory);
        // What the Import page of alice's circuit asks for before her browser posts the file.
        using var ticket = _factory.Services.GetRequiredService<ImportUploads>().Expect(Principals.Admin("alice"), "listings.csv", null);
        const string csv = "network,reason,detail\n192.0.2.1,Spam,one\n";
        StringContent File() => new(csv, System.Text.Encoding.UTF8, "text/csv");

        var byAnonymous = await anonymous.PostAsync("/" + ticket.Url, File());
        var byViewer = await viewer.PostAsync("/" + ticket.Url, File());
        var unknown = await admin.PostAsync($"/admin/import/upload/{Guid.NewGuid():N}", File());
        var received = await admin.PostAsync("/" + ticket.Url, File());
        var again = await admin.PostAsync("/" + ticket.Url, File());

        Assert.Equal(HttpStatusCode.Redirect, byAnonymous.StatusCode);
        Assert.StartsWith("http://localhost/admin/signin?ReturnUrl=", byAnonymous.Headers.Location!.AbsoluteUri);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (byViewer.StatusCode, unknown.StatusCode));
        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NotFound), (received.StatusCode, again.StatusCode));
        var uploaded = await ticket.Received;
        Assert.Equal(1, (await uploaded.Checked).RowCount);
        Assert.Equal(csv, await System.IO.File.ReadAllTextAsync(uploaded.Staged.Path));
        _factory.Services.GetRequiredService<ImportJobs>().Discard(uploaded.Staged);
    }

    [Fact]
    public async Task TheLogsHoldTheSetupTokenOnlyInTheSetupLineAndNeverTheSmtpPasswordOrPasswords()
    {
        using var browser = new AdminHttpClient(_factory);
        var token = Token(SetupLink());
        await CreateFirstAdminAsync(browser, SetupLink());
        await browser.SignInAsync("alice", "a wrong password attempt");
        await browser.SignInAsync("alice", AdminPassword);

        var lines = _factory.Logs.Lines;
        Assert.Single(lines, l => l.Contains(token));
        Assert.Contains("No admin account exists", lines.Single(l => l.Contains(token)));
        Assert.DoesNotContain(lines, l => l.Contains(SmtpPassword) || l.Contains(AdminPassword) || l.Contains("a wrong password attempt"));
    }

    private static string PathOf(HttpResponseMessage redirect) =>
        redirect.Headers.Location is { IsAbsoluteUri: true } absolute ? absolute.PathAndQuery : redirect.Headers.Location!.OriginalString;

    private Uri SetupLink()
    {
        _ = _factory.Server;
        return SetupLinks(_factory.Logs).Last();
    }

    private static IEnumerable<Uri> SetupLinks(LogCapture logs) =>
        logs.Lines.Select(l => SetupLinkPattern().Match(l)).Where(m => m.Success).Select(m => new Uri(m.Value));

    private static string Token(Uri link) => link.Query["?token=".Length..];

    private static Task<HttpResponseMessage> CreateFirstAdminAsync(AdminHttpClient browser, Uri link) =>
        browser.SubmitAsync(link.PathAndQuery, "setup", new Dictionary<string, string>
        {
            ["token"] = Token(link),
            ["Input.UserName"] = "alice",
            ["Input.Email"] = "alice@example.net",
            ["Input.Password"] = AdminPassword,
        });

    [GeneratedRegex(@"https?://\S+/admin/setup\?token=[A-Za-z0-9_-]+")]
    private static partial Regex SetupLinkPattern();
}
