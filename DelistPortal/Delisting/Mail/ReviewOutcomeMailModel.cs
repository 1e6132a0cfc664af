namespace DelistPortal.Delisting.Mail;

/// <param name="Removed">The listings an approval removed ("203.0.113.7"), or null.</param>
/// <param name="ExceptedNetwork">What an approval freed from <paramref name="ExceptedFrom"/>, ranges that stay listed, or null.</param>
public sealed record ReviewOutcomeMailModel(string IpAddress, string Reference, bool Approved, string? Message,
    string? Removed = null, string? ExceptedNetwork = null, string? ExceptedFrom = null);
