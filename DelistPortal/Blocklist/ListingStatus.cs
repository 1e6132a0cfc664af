namespace DelistPortal.Blocklist;

public enum ListingStatus
{
    Active,
    Delisted,
    Expired,
}
