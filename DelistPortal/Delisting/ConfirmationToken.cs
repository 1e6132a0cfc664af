using System.Buffers.Text;
using System.Security.Cryptography;

namespace DelistPortal.Delisting;

/// <summary>
/// A confirmation token: 32 random bytes, base64url in the link, only its SHA-256 kept. A leaked database holds
/// nothing that opens a link.
/// </summary>
public sealed record ConfirmationToken(string Value, byte[] Hash)
{
    private const int TokenBytes = 32;

    /// <summary>Length of the base64url text of a token, which bounds what we accept from a link.</summary>
    public static readonly int TextLength = Base64Url.GetEncodedLength(TokenBytes);

    public static ConfirmationToken Issue()
    {
        var bytes = RandomNumberGenerator.GetBytes(TokenBytes);
        return new ConfirmationToken(Base64Url.EncodeToString(bytes), SHA256.HashData(bytes));
    }

    /// <summary>Hash of a token taken from a link, or null if it cannot be one of ours.</summary>
    public static byte[]? HashOf(string? token)
    {
        if (token is null || token.Length != TextLength)
        {
            return null;
        }
        Span<byte> bytes = stackalloc byte[TokenBytes + 2];
        if (Base64Url.DecodeFromChars(token, bytes, out _, out var written) != System.Buffers.OperationStatus.Done ||
            written != TokenBytes)
        {
            return null;
        }
        return SHA256.HashData(bytes[..written]);
    }

    /// <summary>Constant-time check of a token against a stored hash.</summary>
    public static bool Matches(string? token, byte[] storedHash) =>
        HashOf(token) is { } hash && CryptographicOperations.FixedTimeEquals(hash, storedHash);
}
