namespace DelistPortal.Blocklist;

/// <summary>Why an address is listed. A closed set so that senders and mail servers can act on it.</summary>
public enum ListingReason
{
    Spam,
    SpamTrap,
    Phishing,
    Malware,
    OpenRelayOrProxy,
    Policy,
    Manual,
}
