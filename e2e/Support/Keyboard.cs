using Microsoft.Playwright;

namespace DelistPortal.EndToEnd.Support;

/// <summary>Moves through a page the way a keyboard user does: Tab until the wanted control has focus.</summary>
public static class KeyboardNavigation
{
    /// <summary>What a screen reader would roughly call the focused element: its label, aria-label or text.</summary>
    public static Task<string> FocusedNameAsync(this IPage page) => page.EvaluateAsync<string>("""
        () => {
          const el = document.activeElement;
          if (!el || el === document.body) return "";
          const label = el.labels && el.labels.length ? el.labels[0].textContent : null;
          return (label ?? el.getAttribute("aria-label") ?? el.textContent ?? "").replace(/\s+/g, " ").trim();
        }
        """);

    public static async Task TabToAsync(this IPage page, string nameStartsWith, int maxPresses = 40)
    {
        for (var i = 0; i < maxPresses; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if ((await page.FocusedNameAsync()).StartsWith(nameStartsWith, StringComparison.Ordinal))
            {
                return;
            }
        }
        throw new InvalidOperationException($"Tab never reached \"{nameStartsWith}\"; focus is on \"{await page.FocusedNameAsync()}\".");
    }
}
