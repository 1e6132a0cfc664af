using Microsoft.Playwright;

namespace DelistPortal.EndToEnd.Support;

/// <summary>The wizard as a sender sees it: by its labels and buttons.</summary>
public sealed class DelistWizardPage(IPage page)
{
    public IPage Page => page;

    public ILocator EmailAddress => page.GetByLabel("Email address");

    public ILocator IpAddress => page.GetByLabel("IP address");

    public ILocator SubmitButton => page.GetByRole(AriaRole.Button, new() { Name = "Submit", Exact = true });

    public ILocator DelistButton => page.GetByRole(AriaRole.Button, new() { Name = "Delist IP", Exact = true });

    public ILocator Heading(string text) => page.GetByRole(AriaRole.Heading, new() { Name = text });

    public async Task SubmitAsync(string email, string? ip = null)
    {
        await EmailAddress.FillAsync(email);
        if (ip is not null)
        {
            await IpAddress.FillAsync(ip);
        }
        await SubmitButton.ClickAsync();
    }
}
