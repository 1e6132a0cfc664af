using MudBlazor;

namespace DelistPortal.Components.Pages.Admin;

/// <summary>How the admin area's dialogs open.</summary>
public static class AdminDialogs
{
    /// <summary>
    /// Escape closes (WCAG 2.1.2 expects a way out by keyboard); focus starts on the first field or button, not on the
    /// dialog's invisible frame; on a phone the dialog takes the screen's width.
    /// </summary>
    public static readonly DialogOptions Options = new()
    {
        CloseOnEscapeKey = true,
        DefaultFocus = DefaultFocus.FirstChild,
        MaxWidth = MaxWidth.Small,
        FullWidth = true,
    };
}
