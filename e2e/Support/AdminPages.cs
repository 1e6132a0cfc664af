using Microsoft.Playwright;

namespace DelistPortal.EndToEnd.Support;

/// <summary>The admin area as an operator sees it, in English or French: by labels and buttons, named as the portal names them.</summary>
public sealed class AdminPages(IPage page, string culture = "en") : PortalPage(page, culture)
{
    // Not exact: the setup page's fields say the same with more words.
    public ILocator UserName => Page.GetByLabel(Text["SignIn_UserName"]);

    public ILocator Password => Page.GetByLabel(Text["SignIn_Password"]);

    public ILocator SignInButton => ButtonOf("SignIn_Button");

    /// <summary>The top bar's menu button (on a phone, the menu is closed until it is pressed).</summary>
    public ILocator MenuButton => ButtonOf("Admin_Menu");

    public ILocator AddListingButton => ButtonOf("Listings_Add");

    public ILocator EditListingButton(string network) => ButtonOf("Listings_EditOf", network);

    public ILocator DelistListingButton(string network) => ButtonOf("Listings_DelistOf", network);

    public ILocator RemoveAccountButton(string userName) => ButtonOf("Users_Remove", userName);

    public ILocator ApproveButton => ButtonOf("Review_Approve");

    /// <summary>A button by its literal name (for names with values the test knows, in English).</summary>
    public ILocator Button(string name) => Page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    /// <summary>A heading by its literal text.</summary>
    public ILocator Heading(string text) => Page.GetByRole(AriaRole.Heading, new() { Name = text });

    public async Task SignInAsync(string userName, string password)
    {
        await UserName.FillAsync(userName);
        await Password.FillAsync(password);
        await SignInButton.ClickAsync();
    }

    /// <summary>Opens the sign-in page and signs in, in the page's language; returns once the dashboard is shown.</summary>
    public async Task SignInAsync(string userName, string password, Uri root)
    {
        await Page.GotoAsync(new Uri(root, "/admin/signin").AbsoluteUri);
        await SignInAsync(userName, password);
        // Commit, not load: the caller waits for what it needs next. Waiting for the load event once timed out in CI
        // although the sign-in had succeeded (the log said so) and the URL had already changed.
        await Page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });
    }

    /// <summary>Goes to an admin page and waits until the circuit is up.</summary>
    public async Task OpenAsync(Uri root, string path)
    {
        await Page.GotoAsync(new Uri(root, path).AbsoluteUri);
        await Page.Locator("[data-interactive='true']").WaitForAsync();
    }

    /// <summary>
    /// Chooses a file in the page's file input once Blazor listens to it: the circuit can be up before InputFile's own
    /// set-up has run (its change listener), and a file chosen in between is never uploaded (seen once in CI, the
    /// Import page left at "Choose a CSV file" for 60 s).
    /// </summary>
    public async Task ChooseFileAsync(string path)
    {
        await Page.WaitForFunctionAsync("() => document.querySelector('input[type=file]')?._blazorInputFileNextFileId !== undefined");
        await Page.Locator("input[type=file]").SetInputFilesAsync(path);
    }

    /// <summary>The rows of the grid on the page (data rows only).</summary>
    public ILocator GridRows => Page.Locator("table tbody tr.mud-table-row");

    /// <summary>The grid's scroll container: wider content than this scrolls sideways.</summary>
    public ILocator GridScroller => Page.Locator(".mud-table-container").First;

    /// <summary>How much wider than its visible width the grid's content is (0 when nothing scrolls sideways).</summary>
    public Task<int> GridOverflowAsync() =>
        GridScroller.EvaluateAsync<int>("element => element.scrollWidth - element.clientWidth");
}
