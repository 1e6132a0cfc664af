using System.Net;

namespace DelistPortal.Blocklist;

/// <summary>
/// Addresses that never send mail across the internet (IANA special-purpose registries), so they cannot be on the
/// list. The documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) are deliberately
/// accepted: the demo data and every example in our texts use them.
/// </summary>
public static class SpecialPurposeAddresses
{
    private static readonly (IpNetwork Network, IpAddressError Error)[] Ranges =
    [
        (Net("0.0.0.0", 8), IpAddressError.Reserved),
        (Net("10.0.0.0", 8), IpAddressError.Private),
        (Net("100.64.0.0", 10), IpAddressError.Private),
        (Net("127.0.0.0", 8), IpAddressError.Loopback),
        (Net("169.254.0.0", 16), IpAddressError.LinkLocal),
        (Net("172.16.0.0", 12), IpAddressError.Private),
        (Net("192.0.0.0", 24), IpAddressError.Reserved),
        (Net("192.168.0.0", 16), IpAddressError.Private),
        (Net("198.18.0.0", 15), IpAddressError.Reserved),
        (Net("224.0.0.0", 4), IpAddressError.Multicast),
        (Net("240.0.0.0", 4), IpAddressError.Reserved),
        (Net("::", 128), IpAddressError.Reserved),
        (Net("::1", 128), IpAddressError.Loopback),
        (Net("64:ff9b:1::", 48), IpAddressError.Reserved),
        (Net("100::", 64), IpAddressError.Reserved),
        (Net("fc00::", 7), IpAddressError.Private),
        (Net("fe80::", 10), IpAddressError.LinkLocal),
        (Net("fec0::", 10), IpAddressError.Reserved),
        (Net("ff00::", 8), IpAddressError.Multicast),
    ];

    // The ranges as numbers (IPv4 in the low 32 bits): an import checks a million addresses, and comparing numbers
    // allocates nothing where IpNetwork.Contains builds four hex strings per range.
    private static readonly (bool IsV4, UInt128 First, UInt128 Last, IpAddressError Error)[] Numeric =
        Ranges.Select(r => (r.Network.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork,
            Number(r.Network.Address), Number(r.Network.Address) | HostMask(r.Network), r.Error)).ToArray();

    public static IpAddressError Classify(IPAddress address)
    {
        var isV4 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        var number = Number(address);
        foreach (var (rangeIsV4, first, last, error) in Numeric)
        {
            if (rangeIsV4 == isV4 && number >= first && number <= last)
            {
                return error;
            }
        }
        return IpAddressError.None;
    }

    private static UInt128 Number(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        return written == 4
            ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes)
            : System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    private static UInt128 HostMask(IpNetwork network)
    {
        var hostBits = IpNetwork.MaxPrefixLength(network.Address) - network.PrefixLength;
        return hostBits == 0 ? UInt128.Zero : UInt128.MaxValue >> (128 - hostBits);
    }

    private static IpNetwork Net(string address, int prefixLength) => new(IPAddress.Parse(address), prefixLength);
}
