using System.Security.Cryptography;

namespace DelistPortal.Delisting;

/// <summary>Reference numbers such as "DL-7K3M-Q9XF": Crockford's alphabet, so none of 0/O or 1/I/L can be confused.</summary>
public static class RequestReference
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public const int MaxLength = 12;

    public static string New()
    {
        var chars = RandomNumberGenerator.GetItems<char>(Alphabet, 8);
        return $"DL-{new string(chars, 0, 4)}-{new string(chars, 4, 4)}";
    }

    /// <summary>
    /// The reference as a person typed it, tidied the way references get mistyped: lower case, spaces, dashes left
    /// out, O for 0, I or L for 1 (Crockford's reading). Null when it cannot be a reference.
    /// </summary>
    public static string? Normalize(string? text)
    {
        if (text is null || text.Length > 4 * MaxLength)
        {
            return null;
        }
        var compact = string.Concat(text.Where(c => !char.IsWhiteSpace(c) && c != '-').Select(char.ToUpperInvariant));
        // "DL" is the prefix only when eight characters follow: a reference's own code may start with D or L.
        if (compact.Length == 10 && compact.StartsWith("DL", StringComparison.Ordinal))
        {
            compact = compact[2..];
        }
        if (compact.Length != 8)
        {
            return null;
        }
        compact = compact.Replace('O', '0').Replace('I', '1').Replace('L', '1');
        var reference = $"DL-{compact[..4]}-{compact[4..]}";
        return IsWellFormed(reference) ? reference : null;
    }

    /// <summary>True when the text could be a reference, before any database look-up.</summary>
    public static bool IsWellFormed(string? text) =>
        text is { Length: MaxLength } && text.StartsWith("DL-", StringComparison.Ordinal) && text[7] == '-' &&
        text[3..7].All(Alphabet.Contains) && text[8..].All(Alphabet.Contains);
}
