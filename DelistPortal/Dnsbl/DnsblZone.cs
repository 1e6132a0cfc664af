using System.Net;
using System.Net.Sockets;
using System.Text;
using DelistPortal.Blocklist;

namespace DelistPortal.Dnsbl;

/// <summary>
/// The DNSBL's settings turned into what the responder writes into packets: the apex in wire format, the SOA and NS
/// record data, and per reason the A code and the TXT template. Built once; <see cref="TryCreate"/> says what is wrong.
/// </summary>
public sealed class DnsblZone
{
    /// <summary>The longest IPv6 address text (8 groups of 4 hex digits and 7 colons).</summary>
    public const int LongestAddressText = 39;

    public const int MaxTxtLength = 255;

    private DnsblZone(string name, string nameServer, string hostMaster, byte[] apexWire, int apexLabels, uint ttl, byte[] soaData, byte[] nsData,
        byte[][] codes, string[] templates)
    {
        Name = name;
        NameServerText = nameServer;
        HostMasterText = hostMaster;
        ApexWire = apexWire;
        ApexLabelCount = apexLabels;
        Ttl = ttl;
        SoaData = soaData;
        NsData = nsData;
        Codes = codes;
        Templates = templates;
        TemplateParts = templates.Select(t => t.Split('$').Select(Encoding.ASCII.GetBytes).ToArray()).ToArray();
    }

    /// <summary>The zone name, lowercase, without the trailing dot.</summary>
    public string Name { get; }

    /// <summary>The name server of the SOA and NS records, without the trailing dot.</summary>
    public string NameServerText { get; }

    /// <summary>The SOA contact as a domain name (hostmaster.example.net), without the trailing dot.</summary>
    public string HostMasterText { get; }

    /// <summary>The apex name in DNS wire format, lowercase, with the terminating zero.</summary>
    public byte[] ApexWire { get; }

    public int ApexLabelCount { get; }

    public uint Ttl { get; }

    public byte[] SoaData { get; }

    public byte[] NsData { get; }

    /// <summary>Per <see cref="ListingReason"/> (by value): the A record's 4 bytes.</summary>
    internal byte[][] Codes { get; }

    /// <summary>Per reason: the TXT template with <c>{reason}</c> and <c>{portal}</c> filled in; <c>$</c> stays.</summary>
    public IReadOnlyList<string> Templates { get; }

    /// <summary>Per reason: the template's ASCII bytes split at each <c>$</c>.</summary>
    internal byte[][][] TemplateParts { get; }

    public string CodeFor(ListingReason reason) => new IPAddress(Codes[(int)reason]).ToString();

    public string TemplateFor(ListingReason reason) => Templates[(int)reason];

    private static readonly System.Resources.ResourceManager Strings = new(typeof(Resources.Strings));

    /// <summary>
    /// The reason as the TXT record says it: the admin area's English wording (Strings.resx, <c>Reason_*</c>) with a
    /// small first letter, so that the page and the rejection text say the same thing.
    /// </summary>
    public static string Describe(ListingReason reason)
    {
        var text = Strings.GetString($"Reason_{reason}", System.Globalization.CultureInfo.InvariantCulture) ?? reason.ToString();
        return text.Length == 0 ? text : char.ToLowerInvariant(text[0]) + text[1..];
    }

    public static bool TryCreate(DnsblOptions options, Uri publicBaseUri, DateTimeOffset now, out DnsblZone? zone, out List<string> errors)
    {
        errors = [];
        zone = null;
        var name = options.Zone.Trim().TrimEnd('.').ToLowerInvariant();
        if (!TryEncodeName(name, out var apexWire, out var apexLabels) || apexLabels == 0)
        {
            errors.Add($"Dnsbl:Zone \"{options.Zone}\" is not a domain name (letters, digits, '-' and '.', labels of at most 63 characters).");
        }
        if (!IPAddress.TryParse(options.BindAddress, out _))
        {
            errors.Add($"Dnsbl:BindAddress \"{options.BindAddress}\" is not an IP address.");
        }
        var nameServer = options.NameServer.Trim().TrimEnd('.').ToLowerInvariant();
        if (!TryEncodeName(nameServer, out var nsWire, out _))
        {
            errors.Add($"Dnsbl:NameServer \"{options.NameServer}\" is not a domain name.");
        }
        var at = options.HostMaster.IndexOf('@');
        // hostmaster@example.net is hostmaster.example.net in a SOA record; a dot before the @ would need escaping.
        var rname = (at > 0 ? options.HostMaster[..at].Replace('.', '-') + "." + options.HostMaster[(at + 1)..] : options.HostMaster)
            .Trim().TrimEnd('.').ToLowerInvariant();
        if (!TryEncodeName(rname, out var rnameWire, out _))
        {
            errors.Add($"Dnsbl:HostMaster \"{options.HostMaster}\" is not a mailbox.");
        }

        var reasons = Enum.GetValues<ListingReason>();
        var codes = new byte[reasons.Length][];
        var templates = new string[reasons.Length];
        foreach (var reason in reasons)
        {
            if (!options.ReasonCodes.TryGetValue(reason, out var code) || !IPAddress.TryParse(code, out var address)
                || address.AddressFamily != AddressFamily.InterNetwork || address.GetAddressBytes()[0] != 127
                || address.Equals(IPAddress.Loopback))
            {
                errors.Add($"Dnsbl:ReasonCodes:{reason} must be an address in 127.0.0.0/8 other than 127.0.0.1 (RFC 5782), not \"{code}\".");
                continue;
            }
            codes[(int)reason] = address.GetAddressBytes();
            var template = options.TxtTemplate
                .Replace("{reason}", Describe(reason), StringComparison.Ordinal)
                .Replace("{portal}", publicBaseUri.AbsoluteUri, StringComparison.Ordinal);
            templates[(int)reason] = template;
            var longest = template.Length + template.Count(c => c == '$') * (LongestAddressText - 1);
            if (!template.All(c => c is >= ' ' and <= '~'))
            {
                errors.Add("Dnsbl:TxtTemplate must be printable ASCII (it becomes the SMTP rejection text).");
            }
            else if (longest > MaxTxtLength)
            {
                errors.Add($"Dnsbl:TxtTemplate is {longest} bytes for reason {reason} with the longest IPv6 address in it; at most {MaxTxtLength} fit in a TXT string.");
            }
        }
        if (errors.Count > 0)
        {
            return false;
        }

        var ttl = (uint)options.Ttl.TotalSeconds;
        // The zone is live: any change is visible at once. The serial only has to grow between starts.
        var serial = (uint)now.ToUnixTimeSeconds();
        var soa = new byte[nsWire.Length + rnameWire.Length + 20];
        nsWire.CopyTo(soa, 0);
        rnameWire.CopyTo(soa, nsWire.Length);
        var span = soa.AsSpan(nsWire.Length + rnameWire.Length);
        WriteUInt32(span, serial);
        WriteUInt32(span[4..], 3600);   // refresh
        WriteUInt32(span[8..], 600);    // retry
        WriteUInt32(span[12..], 604800); // expire
        WriteUInt32(span[16..], ttl);   // minimum: the negative-caching TTL of NXDOMAIN
        zone = new DnsblZone(name, nameServer, rname, apexWire, apexLabels, ttl, soa, nsWire, codes, templates);
        return true;
    }

    public static DnsblZone Create(DnsblOptions options, Uri publicBaseUri, DateTimeOffset now) =>
        TryCreate(options, publicBaseUri, now, out var zone, out var errors)
            ? zone!
            : throw new InvalidOperationException(string.Join(" ", errors));

    private static void WriteUInt32(Span<byte> span, uint value) => System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(span, value);

    /// <summary>A host name in wire format: length-prefixed labels and a zero.</summary>
    internal static bool TryEncodeName(string name, out byte[] wire, out int labels)
    {
        wire = [];
        labels = 0;
        if (name.Length == 0)
        {
            wire = [0];
            return true;
        }
        var parts = name.Split('.');
        if (name.Length > 253 || parts.Any(p => p.Length is 0 or > 63 || !p.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return false;
        }
        var bytes = new List<byte>(name.Length + 2);
        foreach (var part in parts)
        {
            bytes.Add((byte)part.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(part));
        }
        bytes.Add(0);
        wire = [.. bytes];
        labels = parts.Length;
        return true;
    }
}
