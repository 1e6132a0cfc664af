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
            // WCAG 2.2 AA (1.4.3): every colour used for text reaches 4.5:1 on white. MudBlazor's defaults for
            // error (#f44336, 3.7:1), warning, success and info do not, and they colour field errors and alerts.
            Error = "#b3261e",
            Warning = "#8a4b00",
            Success = "#1b6e2f",
            Info = "#0b5cad",
            TextSecondary = "rgba(0,0,0,0.66)",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"] },
            // Buttons read as written ("Delist IP"), not in capitals.
            Button = new ButtonTypography { TextTransform = "none" },
        },
    };
}
