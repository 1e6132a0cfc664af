using System.Buffers.Binary;
using System.Net;
using DelistPortal.Blocklist;
using DelistPortal.Blocklist.Index;

namespace DelistPortal.Benchmarks;

/// <summary>
/// A blocklist shaped like a real one, from a fixed seed: 70 % single IPv4 addresses, 10 % IPv4 ranges /16-/29,
/// 20 % IPv6 (/128, /64, /48), all in public unicast space.
/// </summary>
public static class SyntheticBlocklist
{
    public const int Seed = 20260101;
    public const int DefaultCount = 1_000_000;

    public static List<IndexEntry> Create(int count = DefaultCount, int seed = Seed)
    {
        var random = new Random(seed);
        var entries = new List<IndexEntry>(count);
        for (var id = 1; id <= count; id++)
        {
            entries.Add(new IndexEntry(id, RandomNetwork(random), (ListingReason)random.Next(7), null));
        }
        return entries;
    }

    public static IpNetwork RandomNetwork(Random random)
    {
        var roll = random.Next(100);
        if (roll < 70)
        {
            return new IpNetwork(ToAddress(RandomV4(random)), 32);
        }
        if (roll < 80)
        {
            var prefix = random.Next(16, 30);
            return new IpNetwork(ToAddress(RandomV4(random) & ~(uint.MaxValue >> prefix)), prefix);
        }
        var v6Prefix = random.Next(10) switch { < 5 => 128, < 8 => 64, _ => 48 };
        return new IpNetwork(ToAddress(RandomV6(random) & ~(UInt128.MaxValue >> v6Prefix)), v6Prefix);
    }

    /// <summary>An address in 1.0.0.0-223.255.255.255 (unicast).</summary>
    public static uint RandomV4(Random random) => (uint)random.NextInt64(0x01000000, 0xE0000000);

    /// <summary>An address in 2000::/3 (global unicast).</summary>
    public static UInt128 RandomV6(Random random)
    {
        var high = (ulong)random.NextInt64() & 0x1FFF_FFFF_FFFF_FFFF | 0x2000_0000_0000_0000;
        return new UInt128(high, (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63));
    }

    /// <summary>A random address inside the network.</summary>
    public static (uint V4, UInt128 V6, bool IsV4) AddressIn(IpNetwork network, Random random)
    {
        var bytes = network.Address.GetAddressBytes();
        if (bytes.Length == 4)
        {
            var hostMask = network.PrefixLength == 32 ? 0 : uint.MaxValue >> network.PrefixLength;
            return (BinaryPrimitives.ReadUInt32BigEndian(bytes) | ((uint)random.NextInt64() & hostMask), default, true);
        }
        var v6HostMask = network.PrefixLength == 128 ? UInt128.Zero : UInt128.MaxValue >> network.PrefixLength;
        return (default, BinaryPrimitives.ReadUInt128BigEndian(bytes) | (RandomV6(random) & v6HostMask), false);
    }

    public static IPAddress ToAddress(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }

    public static IPAddress ToAddress(UInt128 value)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return new IPAddress(bytes);
    }
}
