using System.Globalization;

namespace DelistPortal.Blocklist;

/// <summary>
/// The beginning of an address typed in a search box ("203.0.113", "198.51.", "2001:db8:5"), as the ranges of
/// <see cref="AddressKey"/>s of the addresses whose written form begins with it: "203.0.11" is 203.0.11.x and
/// 203.0.110.x–203.0.119.x. The grid finds a listing by the beginning of its network this way, through the index of
/// network starts, instead of keeping every network's trigrams in the full-text index (half of that index's cost to an
/// import). IPv6 groups are read as written without leading zeros and "::" (the groups it stands for are unknown), so
/// a beginning with "::" is not one.
/// </summary>
public static class AddressPrefix
{
    /// <summary>The key ranges (first and last key, inclusive), or null when the text is not the beginning of an address.</summary>
    public static IReadOnlyList<(string From, string To)>? KeyRangesOf(string text)
    {
        text = text.Trim();
        if (text.Length is 0 or > 45)
        {
            return null;
        }
        if (text.Contains(':'))
        {
            return text.Contains("::", StringComparison.Ordinal) || text.Contains('.') ? null : Ranges(text.Split(':'), Version6);
        }
        return text.Contains('.') ? Ranges(text.Split('.'), Version4) : null;
    }

    /// <param name="Offset">The first byte of the address in the 16 bytes of a key (IPv4 is mapped).</param>
    /// <param name="UnitBytes">Bytes per part (an octet, a group).</param>
    private sealed record Family(int Parts, int Offset, int UnitBytes, int Radix, int MaxDigits, Func<char, bool> IsDigit)
    {
        public int Max => (1 << (8 * UnitBytes)) - 1;
    }

    private static readonly Family Version4 = new(4, 12, 1, 10, 3, char.IsAsciiDigit);

    private static readonly Family Version6 = new(8, 0, 2, 16, 4, char.IsAsciiHexDigit);

    private static List<(string From, string To)>? Ranges(string[] parts, Family family)
    {
        if (parts.Length > family.Parts)
        {
            return null;
        }
        Span<byte> from = stackalloc byte[16];
        if (family == Version4)
        {
            from[10] = from[11] = 0xff;
        }
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (Value(parts[i], family) is not { } value)
            {
                return null;
            }
            Write(from, family.Offset + i * family.UnitBytes, family.UnitBytes, value);
        }
        // The last part may be unfinished: any part written with those first digits ("11": 11, 110-119 for IPv4).
        var last = parts[^1];
        List<(int Low, int High)> values;
        if (last.Length == 0)
        {
            values = [(0, family.Max)];
        }
        else if (Value(last, family) is { } digits && (last.Length == 1 || last[0] != '0'))
        {
            values = Continuations(digits, last.Length, family);
        }
        else
        {
            return null;
        }
        var position = family.Offset + (parts.Length - 1) * family.UnitBytes;
        var ranges = new List<(string, string)>(values.Count);
        Span<byte> to = stackalloc byte[16];
        foreach (var (low, high) in values)
        {
            Write(from, position, family.UnitBytes, low);
            from[(position + family.UnitBytes)..].Clear();
            from.CopyTo(to);
            Write(to, position, family.UnitBytes, high);
            to[(position + family.UnitBytes)..].Fill(0xff);
            ranges.Add((Convert.ToHexStringLower(from), Convert.ToHexStringLower(to)));
        }
        return ranges;
    }

    /// <summary>A whole part's value (leading zeros allowed in IPv6 groups, as addresses parse them), or null.</summary>
    private static int? Value(string part, Family family)
    {
        if (part.Length == 0 || part.Length > family.MaxDigits || !part.All(family.IsDigit)
            || (family == Version4 && part.Length > 1 && part[0] == '0'))
        {
            return null;
        }
        var value = int.Parse(part, family.Radix == 16 ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture);
        return value <= family.Max ? value : null;
    }

    /// <summary>The values whose written form begins with the <paramref name="length"/> digits of <paramref name="value"/>.</summary>
    private static List<(int Low, int High)> Continuations(int value, int length, Family family)
    {
        var ranges = new List<(int, int)> { (value, value) };
        // "0" is only zero: no value is written with a leading zero.
        var width = 1;
        for (var extra = 1; value != 0 && length + extra <= family.MaxDigits; extra++)
        {
            width *= family.Radix;
            var low = value * width;
            if (low > family.Max)
            {
                break;
            }
            ranges.Add((low, Math.Min(family.Max, low + width - 1)));
        }
        return ranges;
    }

    private static void Write(Span<byte> key, int position, int bytes, int value)
    {
        for (var i = bytes - 1; i >= 0; i--)
        {
            key[position + i] = (byte)value;
            value >>= 8;
        }
    }
}
