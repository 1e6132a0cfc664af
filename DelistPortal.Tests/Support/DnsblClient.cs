using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;

namespace DelistPortal.Tests.Support;

/// <summary>Asks a DNSBL on loopback over UDP or TCP with ARSoft.Tools.Net's client, as a resolver would.</summary>
public sealed class DnsblClient(IPEndPoint server, bool tcp)
{
    private readonly DnsClient _client = new(
        [server.Address],
        [tcp ? new TcpClientTransport(server.Port) : new UdpClientTransport(server.Port)],
        true,
        2000);

    public async Task<DnsMessage> AskAsync(string name, RecordType type = RecordType.A)
    {
        // UDP may lose a datagram on a busy machine; resolvers ask again, and so does this.
        for (var attempt = 1; attempt < 3; attempt++)
        {
            if (await ResolveAsync(name, type) is { } answer)
            {
                return answer;
            }
        }
        return await ResolveAsync(name, type) ?? throw new TimeoutException($"No answer for {name} {type} from {server} over {(tcp ? "TCP" : "UDP")}.");
    }

    private Task<DnsMessage?> ResolveAsync(string name, RecordType type) =>
        _client.ResolveAsync(DomainName.Parse(name), type, RecordClass.INet,
            new DnsQueryOptions { IsRecursionDesired = false, IsEDnsEnabled = false });

    /// <summary>The DNSBL name of an address: reversed octets, or reversed nibbles for IPv6.</summary>
    public static string NameOf(string address, string zone)
    {
        var ip = IPAddress.Parse(address);
        if (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return string.Join('.', ip.GetAddressBytes().Reverse()) + "." + zone;
        }
        var nibbles = ip.GetAddressBytes().SelectMany(b => new[] { b >> 4, b & 0xF }).Reverse().Select(n => n.ToString("x"));
        return string.Join('.', nibbles) + "." + zone;
    }
}
