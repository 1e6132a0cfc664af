namespace DelistPortal.Delisting.Mail;

/// <param name="ExceptedNetwork">What confirming would free from <paramref name="ExceptedFrom"/>, ranges that stay listed; null when the address is in no range.</param>
public sealed record ConfirmationMailModel(string IpAddress, string Reference, string Link, string ExpiresAt,
    string? ExceptedNetwork = null, string? ExceptedFrom = null);
