using DelistPortal.Blocklist;

namespace DelistPortal.Tests.Blocklist;

public class IpAddressInputTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("  203.0.113.7 ", "203.0.113.7")]
    [InlineData("[203.0.113.7]", "203.0.113.7")]
    [InlineData("8.8.8.8", "8.8.8.8")]
    [InlineData("2001:db8::25", "2001:db8::25")]
    [InlineData("2001:DB8:0:0:0:0:0:25", "2001:db8::25")]
    [InlineData("[2001:db8::25]", "2001:db8::25")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("::FFFF:CB00:7107", "203.0.113.7")]
    [InlineData("2a00:1450:4001:81c::200e", "2a00:1450:4001:81c::200e")]
    public void AcceptsPublicAddressesAndNormalizesThem(string input, string expected)
    {
        var result = IpAddressInput.Parse(input);

        Assert.True(result.IsValid);
        Assert.Equal(expected, result.Address!.ToString());
    }

    [Theory]
    [InlineData(null, IpAddressError.Missing)]
    [InlineData("", IpAddressError.Missing)]
    [InlineData("   ", IpAddressError.Missing)]
    [InlineData("1", IpAddressError.Malformed)]
    [InlineData("1.2.3", IpAddressError.Malformed)]
    [InlineData("1.2.3.4.5", IpAddressError.Malformed)]
    [InlineData("256.1.1.1", IpAddressError.Malformed)]
    [InlineData("203.0.113.07", IpAddressError.Malformed)]
    [InlineData("0x7f.0.0.1", IpAddressError.Malformed)]
    [InlineData("203.0.113.7/24", IpAddressError.Malformed)]
    [InlineData("203.0.113.-7", IpAddressError.Malformed)]
    [InlineData("example.com", IpAddressError.Malformed)]
    [InlineData("fe80::1%eth0", IpAddressError.Malformed)]
    [InlineData("2001:db8:::1", IpAddressError.Malformed)]
    [InlineData("2001:db8::g", IpAddressError.Malformed)]
    [InlineData("<script>alert(1)</script>", IpAddressError.Malformed)]
    [InlineData("1.2.3.4'; DROP TABLE Listings;--", IpAddressError.Malformed)]
    [InlineData("２０３.0.113.7", IpAddressError.Malformed)]
    [InlineData("10.1.2.3", IpAddressError.Private)]
    [InlineData("172.16.0.1", IpAddressError.Private)]
    [InlineData("172.31.255.255", IpAddressError.Private)]
    [InlineData("192.168.1.1", IpAddressError.Private)]
    [InlineData("100.64.0.1", IpAddressError.Private)]
    [InlineData("fd00::1", IpAddressError.Private)]
    [InlineData("127.0.0.1", IpAddressError.Loopback)]
    [InlineData("127.0.0.2", IpAddressError.Loopback)]
    [InlineData("::1", IpAddressError.Loopback)]
    [InlineData("::ffff:127.0.0.1", IpAddressError.Loopback)]
    [InlineData("169.254.10.10", IpAddressError.LinkLocal)]
    [InlineData("fe80::1", IpAddressError.LinkLocal)]
    [InlineData("224.0.0.1", IpAddressError.Multicast)]
    [InlineData("ff02::1", IpAddressError.Multicast)]
    [InlineData("0.0.0.0", IpAddressError.Reserved)]
    [InlineData("240.0.0.1", IpAddressError.Reserved)]
    [InlineData("255.255.255.255", IpAddressError.Reserved)]
    [InlineData("::", IpAddressError.Reserved)]
    public void RefusesWhatCannotBeListed(string? input, IpAddressError expected)
    {
        var result = IpAddressInput.Parse(input);

        Assert.False(result.IsValid);
        Assert.Equal(expected, result.Error);
    }

    [Fact]
    public void RefusesHugeInputWithoutParsingIt()
    {
        Assert.Equal(IpAddressError.TooLong, IpAddressInput.Parse(new string('1', 100_000)).Error);
    }

    [Theory]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("100.63.255.255")]
    [InlineData("11.0.0.0")]
    public void AcceptsTheAddressesJustOutsideSpecialRanges(string input)
    {
        Assert.True(IpAddressInput.Parse(input).IsValid);
    }

    [Fact]
    public void NeverThrowsOnRandomInput()
    {
        var random = new Random(5782);
        const string alphabet = "0123456789abcdefABCDEF:.[]/% \t\r\n-x\u0000\u200b９";
        for (var i = 0; i < 5000; i++)
        {
            var chars = new char[random.Next(0, 50)];
            for (var c = 0; c < chars.Length; c++)
            {
                chars[c] = alphabet[random.Next(alphabet.Length)];
            }
            var result = IpAddressInput.Parse(new string(chars));
            Assert.True(result.IsValid ^ (result.Error != IpAddressError.None));
        }
    }
}
