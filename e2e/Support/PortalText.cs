using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using DelistPortal.Resources;

namespace DelistPortal.EndToEnd.Support;

/// <summary>
/// The portal's own words in one language, read from its resources (Strings.resx, Strings.fr.resx), so that a page
/// object finds a button by the name a reader of that language is shown, and a new wording needs no test change.
/// </summary>
public sealed partial class PortalText(string culture)
{
    private static readonly ResourceManager Strings = new(typeof(Strings));

    public string Culture => culture;

    public CultureInfo CultureInfo { get; } = CultureInfo.GetCultureInfo(culture);

    /// <summary>The text of a resource key; a key the portal does not have fails at once, naming it.</summary>
    public string this[string key] =>
        Strings.GetString(key, CultureInfo) ?? throw new KeyNotFoundException($"The portal has no string \"{key}\".");

    /// <summary>A text with its placeholders filled as the portal fills them (in the culture: numbers, dates).</summary>
    public string Format(string key, params object?[] args) => args.Length == 0 ? this[key] : string.Format(CultureInfo, this[key], args);

    /// <summary>The longest part of a text that no placeholder fills, for a text whose values a test cannot know (a wait).</summary>
    public string FixedPart(string key) => Placeholder().Split(this[key]).Select(p => p.Trim()).MaxBy(p => p.Length)!;

    [GeneratedRegex(@"\{\d+(:[^}]*)?\}")]
    private static partial Regex Placeholder();
}
