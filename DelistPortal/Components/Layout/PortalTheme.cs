using MudBlazor;

namespace DelistPortal.Components.Layout;

public static class PortalTheme
{
    /// <summary>System fonts only: the portal must not load anything from a third party.</summary>
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1a4fa0",
            Secondary = "#5c4a8f",
            AppbarBackground = "#1a4fa0",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"] },
            // Buttons read as written ("Delist IP"), not in capitals.
            Button = new ButtonTypography { TextTransform = "none" },
        },
    };
}
