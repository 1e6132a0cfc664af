namespace DelistPortal.EndToEnd.Support;

/// <summary>The portal with its embedded defaults: no SMTP server, mail shown on the Mailbox page.</summary>
public sealed class EmbeddedPortalUnderTest() : PortalUnderTest(withSmtp: false);
