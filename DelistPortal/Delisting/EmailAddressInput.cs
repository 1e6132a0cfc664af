using System.Globalization;

namespace DelistPortal.Delisting;

public enum EmailAddressError
{
    None,
    Missing,
    TooLong,
    Malformed,
}

/// <summary>
/// Checks the address a confirmation link is mailed to. Deliberately narrower than RFC 5322 (no quoted local parts,
/// no comments, no address literals): the address reaches a mail header, and a bounce never shows those forms.
/// </summary>
public static class EmailAddressInput
{
    /// <summary>RFC 5321's limit for a forward path, less the angle brackets.</summary>
    public const int MaxLength = 254;

    private const int MaxLocalPartLength = 64;
    private const string LocalPartSymbols = "!#$%&'*+-/=?^_`{|}~.";

    public static EmailAddressParseResult Parse(string? input)
    {
        var text = input?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return new(null, EmailAddressError.Missing);
        }
        if (text.Length > MaxLength)
        {
            return new(null, EmailAddressError.TooLong);
        }

        var at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1)
        {
            return new(null, EmailAddressError.Malformed);
        }
        var local = text[..at];
        var domain = text[(at + 1)..].TrimEnd('.');
        if (!IsValidLocalPart(local) || ToAsciiDomain(domain) is not { } asciiDomain)
        {
            return new(null, EmailAddressError.Malformed);
        }
        var normalized = $"{local}@{asciiDomain}";
        return normalized.Length > MaxLength
            ? new(null, EmailAddressError.TooLong)
            : new(normalized, EmailAddressError.None);
    }

    private static bool IsValidLocalPart(string local) =>
        local.Length <= MaxLocalPartLength &&
        local[0] != '.' && local[^1] != '.' && !local.Contains("..", StringComparison.Ordinal) &&
        local.All(c => char.IsAsciiLetterOrDigit(c) || LocalPartSymbols.Contains(c));

    /// <summary>The domain in its ASCII (punycode) form, lower case, or null when it is not a mail domain.</summary>
    private static string? ToAsciiDomain(string domain)
    {
        if (domain.Length == 0 || domain.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return null;
        }
        string ascii;
        try
        {
            ascii = new IdnMapping { UseStd3AsciiRules = true }.GetAscii(domain).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }
        var labels = ascii.Split('.');
        return labels.Length >= 2 &&
            labels.All(l => l.Length is > 0 and <= 63 && l[0] != '-' && l[^1] != '-') &&
            !labels[^1].All(char.IsAsciiDigit)
            ? ascii
            : null;
    }
}

public readonly record struct EmailAddressParseResult(string? Address, EmailAddressError Error)
{
    public bool IsValid => Address is not null;
}
