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
}
