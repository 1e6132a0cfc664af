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

    /// <summary>True when the text could be a reference, before any database look-up.</summary>
    public static bool IsWellFormed(string? text) =>
        text is { Length: MaxLength } && text.StartsWith("DL-", StringComparison.Ordinal) && text[7] == '-' &&
        text[3..7].All(Alphabet.Contains) && text[8..].All(Alphabet.Contains);
}
