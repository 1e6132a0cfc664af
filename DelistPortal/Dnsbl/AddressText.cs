namespace DelistPortal.Dnsbl;

/// <summary>Addresses written as ASCII into a span, without allocating (RFC 5952 for IPv6).</summary>
internal static class AddressText
{
    public static int WriteIPv4(uint address, Span<byte> target)
    {
        var position = 0;
        for (var shift = 24; shift >= 0; shift -= 8)
        {
            var octet = (int)((address >> shift) & 0xFF);
            if (octet >= 100)
            {
                target[position++] = (byte)('0' + octet / 100);
            }
            if (octet >= 10)
            {
                target[position++] = (byte)('0' + octet / 10 % 10);
            }
            target[position++] = (byte)('0' + octet % 10);
            if (shift > 0)
            {
                target[position++] = (byte)'.';
            }
        }
        return position;
    }

    /// <summary>Lowercase hex, no leading zeros, the longest run of two or more zero groups (the first if tied) as "::".</summary>
    public static int WriteIPv6(UInt128 address, Span<byte> target)
    {
        Span<ushort> groups = stackalloc ushort[8];
        for (var i = 0; i < 8; i++)
        {
            groups[i] = (ushort)(address >> (112 - 16 * i));
        }
        int bestStart = -1, bestLength = 0;
        for (var i = 0; i < 8;)
        {
            if (groups[i] != 0)
            {
                i++;
                continue;
            }
            var start = i;
            while (i < 8 && groups[i] == 0)
            {
                i++;
            }
            if (i - start > bestLength)
            {
                (bestStart, bestLength) = (start, i - start);
            }
        }
        if (bestLength < 2)
        {
            bestStart = -1;
        }

        var position = 0;
        for (var i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                target[position++] = (byte)':';
                target[position++] = (byte)':';
                i += bestLength - 1;
                continue;
            }
            if (i > 0 && i != bestStart + bestLength)
            {
                target[position++] = (byte)':';
            }
            var group = groups[i];
            var started = false;
            for (var shift = 12; shift >= 0; shift -= 4)
            {
                var nibble = (group >> shift) & 0xF;
                if (nibble != 0 || started || shift == 0)
                {
                    target[position++] = (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
                    started = true;
                }
            }
        }
        return position;
    }
}
