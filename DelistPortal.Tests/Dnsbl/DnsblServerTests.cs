using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net.Dns;
using DelistPortal.Blocklist;
using DelistPortal.Dnsbl;
using DelistPortal.Portal;
using DelistPortal.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DelistPortal.Tests.Dnsbl;

/// <summary>The responder over real UDP and TCP on loopback, asked by a DNS client library, answering from the index.</summary>
public sealed class DnsblServerTests : IAsyncLifetime
{
    private const string Zone = "bl.example.net";
    private const string Link = "https://delist.example.net/";

    private readonly DelistingHarness _harness = new();
    private DnsblServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = new DnsblServer(
            Options.Create(new DnsblOptions { Zone = Zone, Port = 0, NameServer = "ns1.example.net", HostMaster = "hostmaster@example.net" }),
            Options.Create(new PortalOptions { PublicBaseUrl = Link }),
            _harness.Index, _harness.Clock, NullLogger<DnsblServer>.Instance);
        await _server.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _server.StopAsync(CancellationToken.None);
        _server.Dispose();
        _harness.Dispose();
    }

    private DnsblClient Client(string transport) => new(_server.EndPoint!, transport == "tcp");

    public static TheoryData<string> Transports => new() { "udp", "tcp" };

    [Theory, MemberData(nameof(Transports))]
    public async Task TheRfc5782TestEntry127_0_0_2IsListed(string transport)
    {
        var client = Client(transport);

        var a = await client.AskAsync("2.0.0.127." + Zone);
        var txt = await client.AskAsync("2.0.0.127." + Zone, RecordType.Txt);

        Assert.Equal(ReturnCode.NoError, a.ReturnCode);
        Assert.Equal(IPAddress.Parse("127.0.0.2"), Assert.Single(a.AnswerRecords.OfType<ARecord>()).Address);
        Assert.Contains("[127.0.0.2]", Assert.Single(txt.AnswerRecords.OfType<TxtRecord>()).TextData);
    }

    [Theory, MemberData(nameof(Transports))]
    public async Task TheRfc5782TestEntry127_0_0_1IsNotListed(string transport)
    {
        var answer = await Client(transport).AskAsync("1.0.0.127." + Zone);

        Assert.Equal(ReturnCode.NxDomain, answer.ReturnCode);
        Assert.Empty(answer.AnswerRecords);
        Assert.IsType<SoaRecord>(Assert.Single(answer.AuthorityRecords));
    }

    [Theory, MemberData(nameof(Transports))]
    public async Task TheIPv6TestEntriesAreAnsweredAsRfc5782Says(string transport)
    {
        var client = Client(transport);

        var listed = await client.AskAsync(DnsblClient.NameOf("::FFFF:7F00:2", Zone));
        var notListed = await client.AskAsync(DnsblClient.NameOf("::FFFF:7F00:1", Zone));

        Assert.Equal(IPAddress.Parse("127.0.0.2"), Assert.Single(listed.AnswerRecords.OfType<ARecord>()).Address);
        Assert.Equal(ReturnCode.NxDomain, notListed.ReturnCode);
    }

    [Theory, MemberData(nameof(Transports))]
    public async Task AListedAddressGetsItsReasonsCodeAndTheTxtWithTheAddressAndThePortalLink(string transport)
    {
        await _harness.ListAsync("203.0.113.7", reason: ListingReason.SpamTrap);
        var client = Client(transport);

        var a = await client.AskAsync("7.113.0.203." + Zone);
        var txt = await client.AskAsync("7.113.0.203." + Zone, RecordType.Txt);

        Assert.True(a.IsAuthoritiveAnswer);
        var record = Assert.Single(a.AnswerRecords.OfType<ARecord>());
        Assert.Equal(IPAddress.Parse("127.0.0.3"), record.Address);
        Assert.Equal(60, record.TimeToLive);
        Assert.Equal(
            "Access denied, banned sending IP [203.0.113.7] (mail to spam traps); To request removal from this list please visit https://delist.example.net/?ip=203.0.113.7",
            Assert.Single(txt.AnswerRecords.OfType<TxtRecord>()).TextData);
    }

    [Theory, MemberData(nameof(Transports))]
    public async Task AnAddressInAListedRangeIsListedAndItsNeighbourIsNot(string transport)
    {
        await _harness.ListAsync("198.51.100.0", 24, ListingReason.Malware);
        var client = Client(transport);

        var inside = await client.AskAsync("200.100.51.198." + Zone);
        var outside = await client.AskAsync("1.101.51.198." + Zone);

        Assert.Equal(IPAddress.Parse("127.0.0.5"), Assert.Single(inside.AnswerRecords.OfType<ARecord>()).Address);
        Assert.Equal(ReturnCode.NxDomain, outside.ReturnCode);
    }

    [Theory, MemberData(nameof(Transports))]
    public async Task IPv6IsAskedByNibblesAndTheTxtShowsTheShortForm(string transport)
    {
        await _harness.ListAsync("2001:db8:bad::", 48, ListingReason.Policy);
        var client = Client(transport);

        var name = DnsblClient.NameOf("2001:db8:bad:0:0:0:0:25", Zone);
        var a = await client.AskAsync(name);
        var txt = await client.AskAsync(name.ToUpperInvariant(), RecordType.Txt);
        var outside = await client.AskAsync(DnsblClient.NameOf("2001:db8:bae::25", Zone));

        Assert.Equal(IPAddress.Parse("127.0.0.10"), Assert.Single(a.AnswerRecords.OfType<ARecord>()).Address);
        Assert.StartsWith("Access denied, banned sending IP [2001:db8:bad::25] (policy", Assert.Single(txt.AnswerRecords.OfType<TxtRecord>()).TextData);
        Assert.EndsWith("?ip=2001:db8:bad::25", txt.AnswerRecords.OfType<TxtRecord>().Single().TextData);
        Assert.Equal(ReturnCode.NxDomain, outside.ReturnCode);
    }

    [Theory, MemberData(nameof(Transports))]
    public async Task ADelistTakesEffectAtTheNextQuery(string transport)
    {
        var listing = await _harness.ListAsync("203.0.113.25");
        var client = Client(transport);
        Assert.Equal(ReturnCode.NoError, (await client.AskAsync("25.113.0.203." + Zone)).ReturnCode);

        await _harness.Blocklist.DelistAsync(listing.Id, listing.Version, Actor.Admin("test-admin"), "resolved", null);

        Assert.Equal(ReturnCode.NxDomain, (await client.AskAsync("25.113.0.203." + Zone)).ReturnCode);
    }

    [Theory, MemberData(nameof(Transports))]
    public async Task TheApexHasSoaAndNs(string transport)
    {
        var client = Client(transport);

        var soa = await client.AskAsync(Zone.ToUpperInvariant(), RecordType.Soa);
        var ns = await client.AskAsync(Zone, RecordType.Ns);
        var a = await client.AskAsync(Zone);

        var record = Assert.Single(soa.AnswerRecords.OfType<SoaRecord>());
        Assert.Equal("ns1.example.net.", record.MasterName.ToString());
        Assert.Equal("hostmaster.example.net.", record.ResponsibleName.ToString());
        Assert.Equal(60, record.NegativeCachingTTL);
        Assert.Equal("ns1.example.net.", Assert.Single(ns.AnswerRecords.OfType<NsRecord>()).NameServer.ToString());
        Assert.Equal(ReturnCode.NoError, a.ReturnCode);
        Assert.Empty(a.AnswerRecords);
    }

    [Theory, MemberData(nameof(Transports))]
    public async Task NamesOutsideTheZoneAreRefused(string transport)
    {
        var client = Client(transport);

        var foreign = await client.AskAsync("2.0.0.127.zen.spamhaus.org");
        var parent = await client.AskAsync("example.net");
        var lookalike = await client.AskAsync("2.0.0.127.xbl.example.net");

        Assert.Equal(ReturnCode.Refused, foreign.ReturnCode);
        Assert.Equal(ReturnCode.Refused, parent.ReturnCode);
        Assert.Equal(ReturnCode.Refused, lookalike.ReturnCode);
    }

    [Theory, MemberData(nameof(Transports))]
    public async Task NamesInTheZoneThatAreNoAddressAreNxDomain(string transport)
    {
        var client = Client(transport);

        Assert.Equal(ReturnCode.NxDomain, (await client.AskAsync("256.0.0.127." + Zone)).ReturnCode);
        Assert.Equal(ReturnCode.NxDomain, (await client.AskAsync("02.0.0.127." + Zone)).ReturnCode);
        Assert.Equal(ReturnCode.NxDomain, (await client.AskAsync("0.0.127." + Zone)).ReturnCode);
        Assert.Equal(ReturnCode.NxDomain, (await client.AskAsync("www." + Zone)).ReturnCode);
    }

    [Fact]
    public async Task GarbageOverUdpIsSurvivedAndAnswersGoOn()
    {
        using var udp = new UdpClient();
        udp.Connect(_server.EndPoint!);
        var random = new Random(5782);
        List<byte[]> packets =
        [
            [],
            [0x12],
            new byte[11],
            // A header claiming one question and then nothing.
            [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0],
            // A label running past the end.
            [0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 63, (byte)'a'],
            // A compression pointer in the question.
            [0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 0x0C, 0, 1, 0, 1],
            // A response, which must not be answered.
            [0, 4, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1],
            new byte[4000],
        ];
        for (var i = 0; i < 500; i++)
        {
            var packet = new byte[random.Next(0, 600)];
            random.NextBytes(packet);
            packets.Add(packet);
        }

        for (var i = 0; i < packets.Count; i++)
        {
            await udp.SendAsync(packets[i]);
            if (i % 50 == 49)
            {
                // Paced so that the socket's receive buffer does not overflow and drop the query that follows.
                await Task.Delay(20);
            }
        }

        var answer = await Client("udp").AskAsync("2.0.0.127." + Zone);
        Assert.Equal(IPAddress.Parse("127.0.0.2"), Assert.Single(answer.AnswerRecords.OfType<ARecord>()).Address);
    }

    [Fact]
    public async Task AHalfSentOrGarbageTcpQueryIsSurvivedAndAnswersGoOn()
    {
        using (var half = new TcpClient())
        {
            await half.ConnectAsync(_server.EndPoint!);
            await half.GetStream().WriteAsync(new byte[] { 0, 40, 1, 2, 3 });
        }
        using (var tooShort = new TcpClient())
        {
            await tooShort.ConnectAsync(_server.EndPoint!);
            await tooShort.GetStream().WriteAsync(new byte[] { 0, 5, 1, 2, 3, 4, 5 });
            // Too short to have an id to answer to: the connection is closed.
            Assert.Equal(0, await tooShort.GetStream().ReadAsync(new byte[2]));
        }
        using (var twoQuestions = new TcpClient())
        {
            await twoQuestions.ConnectAsync(_server.EndPoint!);
            var stream = twoQuestions.GetStream();
            await stream.WriteAsync(new byte[] { 0, 12, 1, 2, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0 });
            // FORMERR, header only, echoing the id.
            var reply = new byte[14];
            await stream.ReadExactlyAsync(reply);
            Assert.Equal(new byte[] { 0, 12, 1, 2 }, reply[..4]);
            Assert.Equal(1, reply[5] & 0xF);
        }

        var answer = await Client("tcp").AskAsync("2.0.0.127." + Zone);
        Assert.Equal(IPAddress.Parse("127.0.0.2"), Assert.Single(answer.AnswerRecords.OfType<ARecord>()).Address);
    }
}
