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
        Span<byte> bytes = stackalloc byte[16];
        Write(address, bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>The 16 bytes a key spells, IPv4 mapped (without the allocations of MapToIPv6: an import computes millions).</summary>
    internal static void Write(IPAddress address, Span<byte> sixteen)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            sixteen[..10].Clear();
            sixteen[10] = sixteen[11] = 0xff;
            address.TryWriteBytes(sixteen[12..], out _);
        }
        else
        {
            address.TryWriteBytes(sixteen, out _);
        }
    }
}
