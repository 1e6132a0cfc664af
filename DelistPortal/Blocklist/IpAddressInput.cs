using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace DelistPortal.Blocklist;

/// <summary>
/// Parses what a sender types as an IP address. Stricter than <see cref="IPAddress.TryParse(string?, out IPAddress?)"/>,
/// which accepts "1", "0x7f.1" and octal forms that no bounce ever shows.
/// </summary>
public static class IpAddressInput
{
    public const int MaxLength = 64;

    public static IpAddressParseResult Parse(string? input)
    {
        var text = input?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return IpAddressParseResult.Fail(IpAddressError.Missing);
        }
        if (text.Length > MaxLength)
        {
            return IpAddressParseResult.Fail(IpAddressError.TooLong);
        }
        // Bounces print the address in brackets: "banned sending IP [203.0.113.7]".
        if (text is ['[', .., ']'])
        {
            text = text[1..^1].Trim();
        }

        var address = ParseSyntax(text);
        if (address is null)
        {
            return IpAddressParseResult.Fail(IpAddressError.Malformed);
        }
        var error = SpecialPurposeAddresses.Classify(address);
        return error == IpAddressError.None ? IpAddressParseResult.Ok(address) : IpAddressParseResult.Fail(error);
    }

    /// <summary>The address written in <paramref name="text"/> (IPv4-mapped IPv6 given as IPv4), or null.</summary>
    internal static IPAddress? ParseSyntax(string text)
    {
        var address = text.Contains(':') ? ParseIPv6(text) : ParseIPv4(text);
        return address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;
    }

    private static IPAddress? ParseIPv4(string text)
    {
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return null;
        }
        var bytes = new byte[4];
        for (var i = 0; i < 4; i++)
        {
            var part = parts[i];
            // Leading zeros are refused: some systems read them as octal.
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || (part.Length > 1 && part[0] == '0'))
            {
                return null;
            }
            var value = int.Parse(part, CultureInfo.InvariantCulture);
            if (value > 255)
            {
                return null;
            }
            bytes[i] = (byte)value;
        }
        return new IPAddress(bytes);
    }

    private static IPAddress? ParseIPv6(string text)
    {
        // Zone indexes ("%eth0") only mean something on the sender's own link.
        if (text.Contains('%') || !text.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.'))
        {
            return null;
        }
        return IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6
            ? address
            : null;
    }
}

public readonly record struct IpAddressParseResult(IPAddress? Address, IpAddressError Error)
{
    public bool IsValid => Address is not null;

    public static IpAddressParseResult Ok(IPAddress address) => new(address, IpAddressError.None);

    public static IpAddressParseResult Fail(IpAddressError error) => new(null, error);
}
