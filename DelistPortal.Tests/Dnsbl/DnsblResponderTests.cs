using System.Buffers.Binary;
using System.Net;
using DelistPortal.Blocklist;
using DelistPortal.Blocklist.Index;
using DelistPortal.Dnsbl;
using Microsoft.Extensions.Time.Testing;

namespace DelistPortal.Tests.Dnsbl;

/// <summary>The packet logic without sockets: allocation, address text, the settings it refuses.</summary>
public sealed class DnsblResponderTests
{
    private static readonly Uri Portal = new("https://delist.example.net/");

    [Fact]
    public void AnsweringAllocatesNothing()
    {
        var index = new BlocklistIndex(new FakeTimeProvider());
        index.Upsert(new IndexEntry(1, new IpNetwork(IPAddress.Parse("203.0.113.7"), 32), ListingReason.Spam, null));
        index.Upsert(new IndexEntry(2, new IpNetwork(IPAddress.Parse("2001:db8::"), 32), ListingReason.Phishing, null));
        var responder = new DnsblResponder(DnsblZone.Create(new DnsblOptions { Zone = "bl.example.net" }, Portal, DateTimeOffset.UnixEpoch), index);
        byte[][] queries =
        [
            Query("7.113.0.203.bl.example.net", 16),
            Query("8.113.0.203.bl.example.net", 1),
            Query(string.Join('.', Enumerable.Repeat("1", 24)) + ".8.b.d.0.1.0.0.2.bl.example.net", 255),
            Query("bl.example.net", 6),
            Query("example.org", 1),
        ];
        var reply = new byte[512];
        foreach (var query in queries)
        {
            Assert.True(responder.Answer(query, reply) > 12);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            responder.Answer(queries[i % queries.Length], reply);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void AddressTextMatchesTheFrameworksRfc5952Form()
    {
        var random = new Random(5952);
        Span<byte> text = stackalloc byte[DnsblZone.LongestAddressText];
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            // Zero groups in runs of every length, where "::" matters.
            for (var g = 0; g < 8; g++)
            {
                if (random.Next(3) == 0)
                {
                    bytes[2 * g] = bytes[2 * g + 1] = 0;
                }
            }
            if (bytes.Take(10).All(b => b == 0))
            {
                bytes[0] = 0x20; // the framework writes ::ffff:a.b.c.d and ::a.b.c.d in dotted form
            }
            var length = AddressText.WriteIPv6(BinaryPrimitives.ReadUInt128BigEndian(bytes), text);
            Assert.Equal(new IPAddress(bytes).ToString(), System.Text.Encoding.ASCII.GetString(text[..length]));

            var v4 = (uint)random.NextInt64(0, 1L << 32);
            length = AddressText.WriteIPv4(v4, text);
            Assert.Equal(new IPAddress(BitConverter.GetBytes(BinaryPrimitives.ReverseEndianness(v4))).ToString(), System.Text.Encoding.ASCII.GetString(text[..length]));
        }
    }

    [Fact]
    public void ATemplateThatCouldPassTheTxtLimitIsRefusedWithTheKeyNamed()
    {
        var options = new DnsblOptions { TxtTemplate = "Listed: $ " + new string('x', 200) + " $" };

        Assert.False(DnsblZone.TryCreate(options, Portal, DateTimeOffset.UnixEpoch, out _, out var errors));
        Assert.Contains(errors, e => e.StartsWith("Dnsbl:TxtTemplate", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.0.0.2")]
    [InlineData("nonsense")]
    public void AReasonCodeOutside127SlashEightOr127_0_0_1IsRefused(string code)
    {
        var options = new DnsblOptions();
        options.ReasonCodes[ListingReason.Phishing] = code;

        Assert.False(DnsblZone.TryCreate(options, Portal, DateTimeOffset.UnixEpoch, out _, out var errors));
        Assert.Contains(errors, e => e.StartsWith("Dnsbl:ReasonCodes:Phishing", StringComparison.Ordinal));
    }

    [Fact]
    public void AQueryThatIsItselfAResponseGetsNoAnswer()
    {
        var responder = new DnsblResponder(DnsblZone.Create(new DnsblOptions(), Portal, DateTimeOffset.UnixEpoch), new BlocklistIndex(TimeProvider.System));
        var query = Query("2.0.0.127.dnsbl.portal.example", 1);
        query[2] |= 0x80;

        Assert.Equal(0, responder.Answer(query, new byte[512]));
    }

    private static byte[] Query(string name, ushort type)
    {
        var bytes = new List<byte> { 0x12, 0x34, 0x00, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
        foreach (var label in name.Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }
        bytes.AddRange([0, (byte)(type >> 8), (byte)type, 0, 1]);
        return [.. bytes];
    }
}
