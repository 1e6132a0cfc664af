using DelistPortal.Blocklist;

namespace DelistPortal.Tests.Blocklist;

public class IpNetworkInputTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7", 32)]
    [InlineData("203.0.113.7/32", "203.0.113.7", 32)]
    [InlineData(" 198.51.100.0/24 ", "198.51.100.0/24", 24)]
    [InlineData("2001:db8::/32", "2001:db8::/32", 32)]
    [InlineData("2001:DB8:BAD::/48", "2001:db8:bad::/48", 48)]
    [InlineData("2001:db8::25/128", "2001:db8::25", 128)]
    [InlineData("::ffff:198.51.100.0/120", "198.51.100.0/24", 24)]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7", 32)]
    [InlineData("11.0.0.0/8", "11.0.0.0/8", 8)]
    public void ParsesAndNormalizesEveryForm(string input, string expected, int prefix)
    {
        var result = IpNetworkInput.Parse(input);

        Assert.True(result.IsValid, result.Error.ToString());
        Assert.Equal(expected, result.Network!.Value.ToString());
        Assert.Equal(prefix, result.Network.Value.PrefixLength);
    }

    [Theory]
    [InlineData("198.51.100.7/24", "198.51.100.0/24")]
    [InlineData("2001:db8:bad::1/48", "2001:db8:bad::/48")]
    [InlineData("203.0.113.130/25", "203.0.113.128/25")]
    public void ARangeWithHostBitsIsRefusedWithTheProperNetwork(string input, string suggestion)
    {
        var result = IpNetworkInput.Parse(input);

        Assert.Equal(IpAddressError.HostBitsSet, result.Error);
        Assert.Equal(suggestion, result.Suggestion!.Value.ToString());
    }

    [Theory]
    [InlineData("198.51.100.0/33", IpAddressError.BadPrefixLength)]
    [InlineData("2001:db8::/129", IpAddressError.BadPrefixLength)]
    [InlineData("198.51.100.0/", IpAddressError.BadPrefixLength)]
    [InlineData("198.51.100.0/-1", IpAddressError.BadPrefixLength)]
    [InlineData("198.51.100.0/+24", IpAddressError.BadPrefixLength)]
    [InlineData("198.51.100.0/24/24", IpAddressError.BadPrefixLength)]
    [InlineData("198.51.100.0/0024", IpAddressError.BadPrefixLength)]
    [InlineData("::ffff:198.51.100.0/24", IpAddressError.BadPrefixLength)]
    [InlineData("8.0.0.0/7", IpAddressError.TooWide)]
    [InlineData("2000::/3", IpAddressError.TooWide)]
    [InlineData("10.0.0.0/8", IpAddressError.Private)]
    [InlineData("127.0.0.0/8", IpAddressError.Loopback)]
    [InlineData("fe80::/64", IpAddressError.LinkLocal)]
    [InlineData("198.51.100/24", IpAddressError.Malformed)]
    [InlineData("", IpAddressError.Missing)]
    public void RefusesWhatIsNotAListableNetwork(string input, IpAddressError expected)
    {
        Assert.Equal(expected, IpNetworkInput.Parse(input).Error);
    }

    [Fact]
    public void ThousandsOfRandomAndHostileStringsAlwaysGiveAResultNeverAnException()
    {
        var random = new Random(1918);
        const string alphabet = "0123456789abcdefABCDEF:./%[] \t\r\n-+x\u0000\u200b\u202e٣９<>'\";";
        string[] seeds = ["198.51.100.0/24", "2001:db8::/32", "::ffff:1.2.3.4/120", "1.2.3.4"];
        for (var i = 0; i < 10_000; i++)
        {
            string input;
            if (i % 2 == 0)
            {
                var chars = new char[random.Next(0, 70)];
                for (var c = 0; c < chars.Length; c++)
                {
                    chars[c] = alphabet[random.Next(alphabet.Length)];
                }
                input = new string(chars);
            }
            else
            {
                // Mutations of valid networks: the edges where parsers break.
                var seed = seeds[random.Next(seeds.Length)].ToCharArray();
                seed[random.Next(seed.Length)] = alphabet[random.Next(alphabet.Length)];
                input = new string(seed);
            }
            var result = IpNetworkInput.Parse(input);
            Assert.True(result.IsValid ^ (result.Error != IpAddressError.None), input);
        }
    }
}
