using DelistPortal.Delisting;

namespace DelistPortal.Tests.Delisting;

public class BounceAddressExtractorTests
{
    [Theory]
    [InlineData("550 5.7.606 Access denied, banned sending IP [203.0.113.7]; To request removal from this list please visit https://delist.example.net/?ip=203.0.113.7", "203.0.113.7")]
    [InlineData("550 5.7.606 Access denied, banned sending IP [2001:db8::25]", "2001:db8::25")]
    [InlineData("Remote-MTA: dns; mx.portal.example [IPv6:2001:db8::25]", "2001:db8::25")]
    [InlineData("connect from mail.sender.example[203.0.113.7]:25.", "203.0.113.7")]
    [InlineData("banned sending IP [::ffff:203.0.113.7]", "203.0.113.7")]
    [InlineData("Received: from relay (10.1.2.3) at 09:12:44 +0000; banned sending IP [203.0.113.7].", "203.0.113.7")]
    public void FindsTheOnePublicAddress(string bounce, string expected)
    {
        var result = BounceAddressExtractor.Extract(bounce);

        Assert.Equal(BounceExtractionOutcome.Found, result.Outcome);
        Assert.Equal(expected, result.Address);
    }

    [Fact]
    public void TheBannedAddressIsOfferedBeforeTheReportingServersOwn()
    {
        var result = BounceAddressExtractor.Extract(
            "Reporting-MTA: dns; mx.receiver.example [198.51.100.3]\nFinal-Recipient: rfc822; bob@receiver.example\n" +
            "Diagnostic-Code: smtp; 550 5.7.606 Access denied, banned sending IP [203.0.113.7]");

        Assert.Equal(["203.0.113.7", "198.51.100.3"], result.Addresses);
    }

    [Fact]
    public void SeveralPublicAddressesAreListedInOrderOnce()
    {
        var result = BounceAddressExtractor.Extract("banned sending IP [203.0.113.7] ... ?ip=203.0.113.7 Received: from mx [198.51.100.20]");

        Assert.Equal(BounceExtractionOutcome.SeveralAddresses, result.Outcome);
        Assert.Equal(["203.0.113.7", "198.51.100.20"], result.Addresses);
        Assert.Null(result.Address);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("550 5.7.1 Message rejected as spam")]
    [InlineData("Received: from internal (192.168.1.20) by relay (127.0.0.1); version 1.2.3")]
    [InlineData("999.1.2.3 and 01.02.03.04 are not addresses")]
    public void NoPublicAddressSaysSo(string? bounce)
    {
        Assert.Equal(BounceExtractionOutcome.NoAddress, BounceAddressExtractor.Extract(bounce).Outcome);
    }

    [Fact]
    public void AnEnormousPasteIsNotSearched()
    {
        var text = new string('x', BounceAddressExtractor.MaxLength) + " 203.0.113.7";

        Assert.Equal(BounceExtractionOutcome.TooLong, BounceAddressExtractor.Extract(text).Outcome);
    }
}
