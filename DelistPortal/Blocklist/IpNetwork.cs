using System.Net;
using System.Net.Sockets;

namespace DelistPortal.Blocklist;

/// <summary>
/// An IPv4 or IPv6 network (a single address is a /32 or /128). IPv4 is kept as IPv4, never as IPv4-mapped IPv6,
/// so one address has exactly one spelling.
/// </summary>
public readonly record struct IpNetwork(IPAddress Address, int PrefixLength)
{
    public bool IsSingleAddress => PrefixLength == MaxPrefixLength(Address);

    public static int MaxPrefixLength(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;

    public static IpNetwork Single(IPAddress address) => new(address, MaxPrefixLength(address));

    /// <summary>Reads a network in the form <see cref="ToString"/> writes (a stored value, not user input).</summary>
    public static IpNetwork Parse(string canonical)
    {
        var slash = canonical.IndexOf('/');
        return slash < 0
            ? Single(IPAddress.Parse(canonical))
            : new IpNetwork(IPAddress.Parse(canonical[..slash]), int.Parse(canonical[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The network of <paramref name="address"/> with the host bits cleared.</summary>
    public static IpNetwork Containing(IPAddress address, int prefixLength)
    {
        var bytes = address.GetAddressBytes();
        var hostBits = bytes.Length * 8 - prefixLength;
        for (var i = bytes.Length - 1; hostBits > 0; i--)
        {
            var bits = Math.Min(8, hostBits);
            bytes[i] &= (byte)~((1 << bits) - 1);
            hostBits -= bits;
        }
        return new IpNetwork(new IPAddress(bytes), prefixLength);
    }

    /// <summary>True when the two networks share at least one address.</summary>
    public bool Overlaps(IpNetwork other) =>
        Address.AddressFamily == other.Address.AddressFamily &&
        string.CompareOrdinal(StartKey, other.EndKey) <= 0 && string.CompareOrdinal(other.StartKey, EndKey) <= 0;

    /// <summary>The first address of the network as a sortable key (see <see cref="AddressKey"/>).</summary>
    public string StartKey => AddressKey.From(Address);

    /// <summary>The last address of the network as a sortable key.</summary>
    public string EndKey
    {
        get
        {
            Span<byte> bytes = stackalloc byte[16];
            AddressKey.Write(Address, bytes);
            // The host bits are the key's last ones, IPv4 mapped or not.
            var hostBits = MaxPrefixLength(Address) - PrefixLength;
            for (var i = bytes.Length - 1; hostBits > 0; i--)
            {
                var bits = Math.Min(8, hostBits);
                bytes[i] |= (byte)((1 << bits) - 1);
                hostBits -= bits;
            }
            return Convert.ToHexStringLower(bytes);
        }
    }

    public bool Contains(IPAddress address)
    {
        if (address.AddressFamily != Address.AddressFamily)
        {
            return false;
        }
        var key = AddressKey.From(address);
        return string.CompareOrdinal(StartKey, key) <= 0 && string.CompareOrdinal(key, EndKey) <= 0;
    }

    public override string ToString() =>
        IsSingleAddress ? Address.ToString() : $"{Address}/{PrefixLength}";
}
