using System.Net;
using System.Net.Sockets;

namespace DelistPortal.Blocklist;

/// <summary>
/// Turns an address into 32 lowercase hex digits of its 16-byte big-endian form, IPv4 mapped into ::ffff:0:0/96.
/// Ordinal comparison of keys is numeric comparison of addresses, which lets SQLite answer "which ranges contain
/// this address" with an index on (start, end) instead of a scan.
/// </summary>
public static class AddressKey
{
    public static string From(IPAddress address)
    {
        var v6 = address.AddressFamily == AddressFamily.InterNetwork ? address.MapToIPv6() : address;
        return Convert.ToHexStringLower(v6.GetAddressBytes());
    }
}
