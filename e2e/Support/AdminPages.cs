using Microsoft.Playwright;

namespace DelistPortal.EndToEnd.Support;

/// <summary>The admin area as an operator sees it: by labels and buttons.</summary>
public sealed class AdminPages(IPage page)
{
    public IPage Page => page;

    public ILocator UserName => page.GetByLabel("User name");

    public ILocator Password => page.GetByLabel("Password");

    public ILocator Button(string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public ILocator Heading(string text) => page.GetByRole(AriaRole.Heading, new() { Name = text });

    public async Task SignInAsync(string userName, string password)
    {
        await UserName.FillAsync(userName);
        await Password.FillAsync(password);
        await Button("Sign in").ClickAsync();
    }

    /// <summary>Opens the sign-in page and signs in, in English or French; returns once the dashboard is shown.</summary>
    public async Task SignInAsync(string userName, string password, string culture, Uri? root = null)
    {
        if (root is not null)
        {
            await page.GotoAsync(new Uri(root, "/admin/signin").AbsoluteUri);
        }
        var french = culture == "fr";
        await page.GetByLabel(french ? "Nom d'utilisateur" : "User name").FillAsync(userName);
        await page.GetByLabel(french ? "Mot de passe" : "Password").FillAsync(password);
        await Button(french ? "Se connecter" : "Sign in").ClickAsync();
        // Commit, not load: the caller waits for what it needs next. Waiting for the load event once timed out in CI
        // although the sign-in had succeeded (the log said so) and the URL had already changed.
        await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });
    }

    /// <summary>Goes to an admin page and waits until the circuit is up.</summary>
    public async Task OpenAsync(Uri root, string path)
    {
        await page.GotoAsync(new Uri(root, path).AbsoluteUri);
        await page.Locator("[data-interactive='true']").WaitForAsync();
    }

    /// <summary>The rows of the grid on the page (data rows only).</summary>
    public ILocator GridRows => page.Locator("table tbody tr.mud-table-row");

    /// <summary>The grid's scroll container: wider content than this scrolls sideways.</summary>
    public ILocator GridScroller => page.Locator(".mud-table-container").First;

    /// <summary>How much wider than its visible width the grid's content is (0 when nothing scrolls sideways).</summary>
    public Task<int> GridOverflowAsync() =>
        GridScroller.EvaluateAsync<int>("element => element.scrollWidth - element.clientWidth");
}
