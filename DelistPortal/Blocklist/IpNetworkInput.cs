using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace DelistPortal.Blocklist;

/// <summary>
/// Parses a network an admin, a file or an API client gives: an address or CIDR range, IPv4 or IPv6. Never throws.
/// </summary>
public static class IpNetworkInput
{
    /// <summary>The widest ranges the list takes: anything wider is almost certainly a typing mistake.</summary>
    public const int MinIPv4PrefixLength = 8;

    public const int MinIPv6PrefixLength = 16;

    public static IpNetworkParseResult Parse(string? input)
    {
        var text = input?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return IpNetworkParseResult.Fail(IpAddressError.Missing);
        }
        if (text.Length > IpAddressInput.MaxLength)
        {
            return IpNetworkParseResult.Fail(IpAddressError.TooLong);
        }

        var slash = text.IndexOf('/');
        var address = IpAddressInput.ParseSyntax(slash < 0 ? text : text[..slash]);
        if (address is null)
        {
            return IpNetworkParseResult.Fail(IpAddressError.Malformed);
        }
        var maxPrefix = IpNetwork.MaxPrefixLength(address);
        var prefix = maxPrefix;
        if (slash >= 0)
        {
            var prefixText = text[(slash + 1)..];
            if (prefixText.Length is 0 or > 3 || !prefixText.All(char.IsAsciiDigit) ||
                !int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out prefix))
            {
                return IpNetworkParseResult.Fail(IpAddressError.BadPrefixLength);
            }
            // "::ffff:198.51.100.0/120" is the IPv4 network 198.51.100.0/24.
            if (address.AddressFamily == AddressFamily.InterNetwork && text[..slash].Contains(':'))
            {
                prefix -= 96;
            }
            if (prefix < 0 || prefix > maxPrefix)
            {
                return IpNetworkParseResult.Fail(IpAddressError.BadPrefixLength);
            }
        }

        var network = IpNetwork.Containing(address, prefix);
        if (!network.Address.Equals(address))
        {
            return new IpNetworkParseResult(null, IpAddressError.HostBitsSet, network);
        }
        var minPrefix = address.AddressFamily == AddressFamily.InterNetwork ? MinIPv4PrefixLength : MinIPv6PrefixLength;
        if (prefix < minPrefix)
        {
            return IpNetworkParseResult.Fail(IpAddressError.TooWide);
        }
        var error = SpecialPurposeAddresses.Classify(network.Address);
        return error == IpAddressError.None ? new IpNetworkParseResult(network, IpAddressError.None, null) : IpNetworkParseResult.Fail(error);
    }
}

/// <param name="Suggestion">For <see cref="IpAddressError.HostBitsSet"/>, the network that was probably meant.</param>
public readonly record struct IpNetworkParseResult(IpNetwork? Network, IpAddressError Error, IpNetwork? Suggestion)
{
    public bool IsValid => Network is not null;

    public static IpNetworkParseResult Fail(IpAddressError error) => new(null, error, null);
}
