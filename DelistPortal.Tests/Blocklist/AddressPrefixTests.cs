using System.Net;
using System.Net.Sockets;
using DelistPortal.Blocklist;

namespace DelistPortal.Tests.Blocklist;

public class AddressPrefixTests
{
    [Theory]
    [InlineData("203.0.113")]
    [InlineData("203.0.11")]
    [InlineData("203.0.")]
    [InlineData("10.")]
    [InlineData("0.")]
    [InlineData("2001:db8:5")]
    [InlineData("2001:db8:")]
    [InlineData("2001:0db8:0")]
    [InlineData("fe80:")]
    public void TheBeginningOfAnAddressIsTheRangesOfTheAddressesWrittenWithIt(string text)
    {
        var ranges = AddressPrefix.KeyRangesOf(text);
        Assert.NotNull(ranges);
        var random = new Random(text.Sum(c => c));
        var family = text.Contains(':') ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        // Addresses written with the text (its unfinished part completed at random) and addresses near them.
        for (var i = 0; i < 5_000; i++)
        {
            var address = i % 2 == 0 ? Completing(text, family, random) : Near(Completing(text, family, random), random);
            var key = AddressKey.From(address);
            var inRanges = ranges.Any(r => string.CompareOrdinal(key, r.From) >= 0 && string.CompareOrdinal(key, r.To) <= 0);
            Assert.True(inRanges == Written(address).StartsWith(NormalGroups(text), StringComparison.Ordinal), $"{text} and {Written(address)}");
        }
    }

    [Theory]
    [InlineData("123")]
    [InlineData("spam traps")]
    [InlineData("203.0.113.7.1")]
    [InlineData("256.1")]
    [InlineData("203.01")]
    [InlineData("2001:db8::")]
    [InlineData("::ffff:1.2")]
    [InlineData("2001:db8:1:2:3:4:5:6:7")]
    [InlineData("12345:")]
    [InlineData("2001:0d")]
    [InlineData(".113.")]
    public void OtherTextBeginsNoAddress(string text) => Assert.Null(AddressPrefix.KeyRangesOf(text));

    [Fact]
    public void AnUnfinishedPartStandsForEveryPartWrittenWithItsDigits()
    {
        const string V4 = "00000000000000000000ffff";
        Assert.Equal([(V4 + "02000000", V4 + "02ffffff")], AddressPrefix.KeyRangesOf("2."));
        // 2, 20-29 and 200-255.
        Assert.Equal([(V4 + "01020000", V4 + "0102ffff"), (V4 + "01140000", V4 + "011dffff"), (V4 + "01c80000", V4 + "01ffffff")], AddressPrefix.KeyRangesOf("1.2"));
        // Zero is written "0" only.
        Assert.Equal([(V4 + "01000000", V4 + "0100ffff")], AddressPrefix.KeyRangesOf("1.0"));
        Assert.Equal(4, AddressPrefix.KeyRangesOf("2001:d")!.Count);
    }

    /// <summary>An address's text as the grid shows it, IPv6 groups in full (no "::"), to compare beginnings.</summary>
    private static string Written(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        return string.Join(':', Enumerable.Range(0, 8).Select(g => ((bytes[2 * g] << 8) | bytes[2 * g + 1]).ToString("x")));
    }

    /// <summary>The text with leading zeros of its whole IPv6 groups dropped, as <see cref="Written"/> writes them.</summary>
    private static string NormalGroups(string text)
    {
        if (!text.Contains(':'))
        {
            return text;
        }
        var parts = text.Split(':');
        return string.Join(':', parts.Select((p, i) => i < parts.Length - 1 ? Convert.ToInt32(p, 16).ToString("x") : p));
    }

    private static IPAddress Completing(string text, AddressFamily family, Random random)
    {
        var parts = NormalGroups(text).Split(family == AddressFamily.InterNetwork ? '.' : ':').ToList();
        var count = family == AddressFamily.InterNetwork ? 4 : 8;
        var last = parts[^1];
        // The unfinished part with up to two more digits, kept only if still a part.
        var digits = family == AddressFamily.InterNetwork ? "0123456789" : "0123456789abcdef";
        var max = family == AddressFamily.InterNetwork ? 255 : 0xffff;
        for (var extra = random.Next(3); extra > 0; extra--)
        {
            var longer = last + digits[random.Next(digits.Length)];
            if (longer.Length <= (family == AddressFamily.InterNetwork ? 3 : 4) && longer[0] != '0'
                && Convert.ToInt32(longer, family == AddressFamily.InterNetwork ? 10 : 16) <= max)
            {
                last = longer;
            }
        }
        parts[^1] = last.Length == 0 ? random.Next(max + 1).ToString(family == AddressFamily.InterNetwork ? "D" : "x") : last;
        while (parts.Count < count)
        {
            parts.Add(random.Next(max + 1).ToString(family == AddressFamily.InterNetwork ? "D" : "x"));
        }
        return IPAddress.Parse(string.Join(family == AddressFamily.InterNetwork ? '.' : ':', parts));
    }

    /// <summary>An address a little above or below, or with one byte changed: on the ranges' edges.</summary>
    private static IPAddress Near(IPAddress address, Random random)
    {
        var bytes = address.GetAddressBytes();
        bytes[random.Next(bytes.Length)] += (byte)(random.Next(2) == 0 ? 1 : 255);
        return new IPAddress(bytes);
    }
}
