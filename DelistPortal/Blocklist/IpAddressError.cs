namespace DelistPortal.Blocklist;

/// <summary>Why a string is not an address that can be on the blocklist. Each value has a message in the resources.</summary>
public enum IpAddressError
{
    None,
    Missing,
    TooLong,
    Malformed,
    Private,
    Loopback,
    LinkLocal,
    Multicast,
    Reserved,
    /// <summary>A network whose address has bits set beyond its prefix ("198.51.100.7/24").</summary>
    HostBitsSet,
    /// <summary>A prefix length that is not a number in range for the family.</summary>
    BadPrefixLength,
    /// <summary>A network wider than the list accepts (shorter than /8 for IPv4, /16 for IPv6).</summary>
    TooWide,
}
