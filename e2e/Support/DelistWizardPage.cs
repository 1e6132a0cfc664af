using Microsoft.Playwright;

namespace DelistPortal.EndToEnd.Support;

/// <summary>The wizard as a sender sees it, in English or French: by its labels and buttons, named as the portal names them.</summary>
public sealed class DelistWizardPage(IPage page, string culture = "en") : PortalPage(page, culture)
{
    public ILocator EmailAddress => FieldOf("Field_Email");

    public ILocator IpAddress => FieldOf("Field_Ip");

    public ILocator SubmitButton => ButtonOf("Button_Submit");

    public ILocator ResendButton => ButtonOf("Button_Resend");

    public ILocator DelistButton => ButtonOf("Button_Delist");

    public ILocator PasteBounceButton => ButtonOf("Bounce_Toggle");

    public ILocator BounceMessage => FieldOf("Bounce_Field");

    public ILocator FindAddressButton => ButtonOf("Bounce_Find");

    /// <summary>The button that takes an address found in the pasted bounce ("Use 192.0.2.14").</summary>
    public ILocator UseAddressButton(string ip) => ButtonOf("Bounce_Use", ip);

    public ILocator CheckEmailHeading => HeadingOf("CheckEmail_Heading");

    /// <summary>A heading by its literal text (for texts with values the test knows, in English).</summary>
    public ILocator Heading(string text) => Page.GetByRole(AriaRole.Heading, new() { Name = text });

    public async Task SubmitAsync(string email, string? ip = null)
    {
        await EmailAddress.FillAsync(email);
        if (ip is not null)
        {
            await IpAddress.FillAsync(ip);
        }
        await SubmitButton.ClickAsync();
    }

    /// <summary>Opens the bounce field, pastes <paramref name="bounce"/> and asks for the addresses in it.</summary>
    public async Task PasteBounceAsync(string bounce)
    {
        if (!await BounceMessage.IsVisibleAsync())
        {
            await PasteBounceButton.ClickAsync();
        }
        await BounceMessage.FillAsync(bounce);
        await FindAddressButton.ClickAsync();
    }
}
