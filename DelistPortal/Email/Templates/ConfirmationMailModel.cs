namespace DelistPortal.Email.Templates;

public sealed record ConfirmationMailModel(string IpAddress, string Reference, string Link, string ExpiresAt);
