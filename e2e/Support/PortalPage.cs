using Microsoft.Playwright;

namespace DelistPortal.EndToEnd.Support;

/// <summary>
/// Any page of the portal as a reader of one language sees it: headings, buttons, links, fields and texts found by the
/// names the portal's resources give them in that language (<see cref="PortalText"/>), by resource key.
/// </summary>
public class PortalPage(IPage page, string culture = "en")
{
    public IPage Page => page;

    public PortalText Text { get; } = new(culture);

    public ILocator HeadingOf(string key, params object?[] args) =>
        page.GetByRole(AriaRole.Heading, new() { Name = Text.Format(key, args) });

    public ILocator ButtonOf(string key, params object?[] args) =>
        page.GetByRole(AriaRole.Button, new() { Name = Text.Format(key, args), Exact = true });

    public ILocator LinkOf(string key, params object?[] args) =>
        page.GetByRole(AriaRole.Link, new() { Name = Text.Format(key, args) });

    /// <summary>The field labelled exactly so ("IP address", not "IP address or range").</summary>
    public ILocator FieldOf(string key) => page.GetByLabel(Text[key], new() { Exact = true });

    /// <summary>An element showing the text (a part of it: the portal's sentences often go on).</summary>
    public ILocator TextOf(string key, params object?[] args) => page.GetByText(Text.Format(key, args));

    /// <summary>An element showing the part of the text that no placeholder fills (<see cref="PortalText.FixedPart"/>).</summary>
    public ILocator FixedTextOf(string key) => page.GetByText(Text.FixedPart(key));

    /// <summary>The window title of a page whose own title is <paramref name="key"/> ("Check your email – Delist portal").</summary>
    /// <summary>Waits until the page's circuit is up: after a link to an interactive page, typing earlier is lost.</summary>
    public Task UntilInteractiveAsync() => page.Locator("[data-interactive='true']").WaitForAsync();

    public string TitleOf(string key, params object?[] args) => Text.Format("Title_Format", Text.Format(key, args), Text["App_Name"]);
}
