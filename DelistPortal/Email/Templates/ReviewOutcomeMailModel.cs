namespace DelistPortal.Email.Templates;

public sealed record ReviewOutcomeMailModel(string IpAddress, string Reference, bool Approved, string? Message);
