using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;
using DelistPortal.Blocklist;

namespace DelistPortal.AdminBenchmarks;

/// <summary>
/// The CSV file of issue 12's operator, made the same way every time (fixed seed): 70 % single IPv4 addresses, 10 %
/// IPv4 ranges /24 to /30, 20 % IPv6 (/128, /64 and /48 in equal parts), in random order, every network public and
/// listed once. Reasons weighted as a spam-trap operator's feed would be; most rows leave the expiry to the policy.
/// </summary>
public static class OperatorCsv
{
    public const string Header = "network,reason,detail,expires,self_service,helo,samples";

    private static readonly (ListingReason Reason, int Weight)[] Reasons =
    [
        (ListingReason.Spam, 45), (ListingReason.SpamTrap, 20), (ListingReason.Malware, 10), (ListingReason.Phishing, 8),
        (ListingReason.OpenRelayOrProxy, 7), (ListingReason.Policy, 5), (ListingReason.Manual, 5),
    ];

    private static readonly string[] Details =
    [
        "Mail to spam traps from this host",
        "Bulk mail reported by recipients",
        "Phishing pages linked from mail sent by this host",
        "Botnet command traffic seen from this address",
        "Open SMTP relay tested and confirmed",
        "Dynamic address range that should relay through its provider",
        "Listed by hand after a complaint",
        "Snowshoe spam across the range",
    ];

    /// <summary>Writes <paramref name="rows"/> rows (the operator's file has 1,000,000) to <paramref name="path"/>.</summary>
    public static void Write(string path, int rows, int seed = 12)
    {
        var random = new Random(seed);
        var networks = Networks(rows, random);
        var now = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write(Header);
        writer.Write('\n');
        var line = new StringBuilder(256);
        foreach (var network in networks)
        {
            line.Clear();
            var reason = PickReason(random);
            var helo = random.Next(2) == 0 ? $"mx{random.Next(1, 99)}.host{random.Next(1, 40_000)}.example" : "";
            line.Append(network).Append(',').Append(reason).Append(',');
            line.Append('"').Append(Details[random.Next(Details.Length)]).Append(" (case ").Append(random.Next(1, 1_000_000)).Append(")\",");
            var roll = random.Next(100);
            if (roll < 20)
            {
                line.Append(now.AddDays(random.Next(30, 730)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            }
            else if (roll < 30)
            {
                line.Append("never");
            }
            line.Append(',').Append(random.Next(10) == 0 ? "false" : "true").Append(',').Append(helo).Append(',');
            if (random.Next(2) == 0)
            {
                line.Append(random.Next(1, 5_000).ToString(CultureInfo.InvariantCulture));
            }
            line.Append('\n');
            writer.Write(line);
        }
    }

    private static ListingReason PickReason(Random random)
    {
        var roll = random.Next(100);
        foreach (var (reason, weight) in Reasons)
        {
            if ((roll -= weight) < 0)
            {
                return reason;
            }
        }
        return ListingReason.Spam;
    }

    /// <summary>The networks, unique and shuffled.</summary>
    private static List<IpNetwork> Networks(int rows, Random random)
    {
        var v4Singles = rows * 7 / 10;
        var v4Ranges = rows / 10;
        var v6 = rows - v4Singles - v4Ranges;
        var seen = new HashSet<(UInt128, int)>();
        var networks = new List<IpNetwork>(rows);
        void Add(int count, Func<IpNetwork> next)
        {
            while (count > 0)
            {
                var network = next();
                var bytes = network.Address.GetAddressBytes();
                var key = bytes.Length == 4 ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt128BigEndian(bytes);
                if (SpecialPurposeAddresses.Classify(network.Address) == IpAddressError.None && seen.Add((key, network.PrefixLength)))
                {
                    networks.Add(network);
                    count--;
                }
            }
        }
        Add(v4Singles, () => IpNetwork.Single(V4(random)));
        Add(v4Ranges, () => IpNetwork.Containing(V4(random), random.Next(24, 31)));
        var prefixes = new[] { 128, 64, 48 };
        Add(v6, () => IpNetwork.Containing(V6(random), prefixes[random.Next(prefixes.Length)]));
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(networks));
        return networks;
    }

    /// <summary>A unicast IPv4 address from 1.0.0.0 to 223.255.255.255.</summary>
    private static IPAddress V4(Random random)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)random.NextInt64(0x0100_0000, 0xE000_0000));
        return new IPAddress(bytes);
    }

    /// <summary>A global unicast IPv6 address (2000::/3), in a few hundred /32s as real providers' space is.</summary>
    private static IPAddress V6(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 0x2A00_0000u + (uint)random.Next(0, 400) * 0x1_0000u);
        return new IPAddress(bytes);
    }
}
