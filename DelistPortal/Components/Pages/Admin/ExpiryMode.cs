namespace DelistPortal.Components.Pages.Admin;

/// <summary>How a listing ends: by the policy's escalating lifetime (or, editing, as it is), on a chosen day, or never.</summary>
public enum ExpiryMode
{
    Policy,
    Until,
    Permanent,
}
