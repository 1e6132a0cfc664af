using System.Buffers.Binary;
using DelistPortal.Blocklist;
using DelistPortal.Blocklist.Index;

namespace DelistPortal.Dnsbl;

/// <summary>
/// Answers one DNS query packet for the DNSBL zone from the in-memory index, writing the reply into a caller's buffer.
/// Allocation-free and exception-free on every input (docs/decisions/003): the UDP receive threads call it per packet.
/// </summary>
public sealed class DnsblResponder(DnsblZone zone, BlocklistIndex index)
{
    public const int HeaderLength = 12;
    public const int MaxUdpLength = 512;

    private const ushort TypeA = 1;
    private const ushort TypeNs = 2;
    private const ushort TypeSoa = 6;
    private const ushort TypeTxt = 16;
    private const ushort TypeAny = 255;
    private const ushort ClassIn = 1;

    private const int RcodeFormErr = 1;
    private const int RcodeNxDomain = 3;
    private const int RcodeNotImp = 4;
    private const int RcodeRefused = 5;

    // RFC 5782 section 5: 127.0.0.2 is always listed, 127.0.0.1 never.
    private const uint TestListed = 0x7F000002;

    public DnsblZone Zone => zone;

    /// <summary>Writes the reply to <paramref name="query"/> into <paramref name="reply"/>.</summary>
    /// <param name="maxLength">512 over UDP (a longer answer is cut to its question with TC set), 65535 over TCP.</param>
    /// <returns>The reply's length, or 0 when nothing must be sent (too short to answer, or itself a response).</returns>
    public int Answer(ReadOnlySpan<byte> query, Span<byte> reply, int maxLength = MaxUdpLength)
    {
        maxLength = Math.Min(maxLength, reply.Length);
        if (query.Length < HeaderLength || maxLength < HeaderLength)
        {
            return 0;
        }
        var flags = BinaryPrimitives.ReadUInt16BigEndian(query[2..]);
        if ((flags & 0x8000) != 0)
        {
            // A response: answering it could start a loop between two servers.
            return 0;
        }
        var opcode = (flags >> 11) & 0xF;
        if (opcode != 0)
        {
            return HeaderOnly(query, reply, RcodeNotImp);
        }
        if (BinaryPrimitives.ReadUInt16BigEndian(query[4..]) != 1)
        {
            return HeaderOnly(query, reply, RcodeFormErr);
        }

        // The question's name: labels without compression, at most 255 bytes.
        Span<byte> labelStarts = stackalloc byte[128];
        var labelCount = 0;
        var position = HeaderLength;
        while (true)
        {
            if (position >= query.Length || labelCount == labelStarts.Length)
            {
                return HeaderOnly(query, reply, RcodeFormErr);
            }
            int length = query[position];
            if (length == 0)
            {
                position++;
                break;
            }
            if (length > 63 || position + 1 + length > query.Length || position + 1 + length - HeaderLength > 254)
            {
                return HeaderOnly(query, reply, RcodeFormErr);
            }
            labelStarts[labelCount++] = (byte)(position - HeaderLength);
            position += 1 + length;
        }
        if (position + 4 > query.Length)
        {
            return HeaderOnly(query, reply, RcodeFormErr);
        }
        var questionEnd = position + 4;
        var type = BinaryPrimitives.ReadUInt16BigEndian(query[position..]);
        var @class = BinaryPrimitives.ReadUInt16BigEndian(query[(position + 2)..]);
        var questionLength = questionEnd - HeaderLength;
        if (HeaderLength + questionLength > maxLength)
        {
            return HeaderOnly(query, reply, RcodeFormErr);
        }
        query[HeaderLength..questionEnd].CopyTo(reply[HeaderLength..]);

        var prefixLabels = labelCount - zone.ApexLabelCount;
        var apexStart = prefixLabels < 0 ? 0 : prefixLabels == 0 ? HeaderLength : HeaderLength + labelStarts[prefixLabels];
        if (prefixLabels < 0 || !EqualsIgnoreCase(query[apexStart..position], zone.ApexWire))
        {
            return Finish(query, reply, questionEnd, RcodeRefused, 0, 0);
        }
        if (@class != ClassIn && @class != TypeAny)
        {
            return Finish(query, reply, questionEnd, RcodeRefused, 0, 0);
        }

        var writer = new RecordWriter(reply, questionEnd, maxLength);
        var apexPointer = (ushort)(0xC000 | apexStart);
        if (prefixLabels == 0)
        {
            var answers = 0;
            if (type is TypeSoa or TypeAny)
            {
                writer.Write(apexPointer, TypeSoa, zone.Ttl, zone.SoaData);
                answers++;
            }
            if (type is TypeNs or TypeAny)
            {
                writer.Write(apexPointer, TypeNs, zone.Ttl, zone.NsData);
                answers++;
            }
            if (answers == 0)
            {
                writer.Write(apexPointer, TypeSoa, zone.Ttl, zone.SoaData);
                return Complete(query, reply, questionEnd, ref writer, 0, 0, 1);
            }
            return Complete(query, reply, questionEnd, ref writer, 0, answers, 0);
        }

        if (!TryReadAddress(query, labelStarts[..prefixLabels], out var isV4, out var v4, out var v6)
            || !TryLookUp(isV4, v4, v6, out var reason, out var code))
        {
            writer.Write(apexPointer, TypeSoa, zone.Ttl, zone.SoaData);
            return Complete(query, reply, questionEnd, ref writer, RcodeNxDomain, 0, 1);
        }

        const ushort questionPointer = 0xC000 | HeaderLength;
        var count = 0;
        if (type is TypeA or TypeAny)
        {
            writer.Write(questionPointer, TypeA, zone.Ttl, code);
            count++;
        }
        if (type is TypeTxt or TypeAny)
        {
            writer.WriteTxt(questionPointer, zone.Ttl, zone.TemplateParts[(int)reason], isV4, v4, v6);
            count++;
        }
        if (count == 0)
        {
            // Listed, but not this type (AAAA, MX...): NODATA.
            writer.Write(apexPointer, TypeSoa, zone.Ttl, zone.SoaData);
            return Complete(query, reply, questionEnd, ref writer, 0, 0, 1);
        }
        return Complete(query, reply, questionEnd, ref writer, 0, count, 0);
    }

    private bool TryLookUp(bool isV4, uint v4, UInt128 v6, out ListingReason reason, out ReadOnlySpan<byte> code)
    {
        if (isV4 && v4 == TestListed)
        {
            reason = ListingReason.Spam;
            code = [127, 0, 0, 2];
            return true;
        }
        var found = isV4 ? index.TryFindMostSpecific(v4, out var hit) : index.TryFindMostSpecific(v6, out hit);
        reason = hit.Reason;
        code = found ? zone.Codes[(int)hit.Reason] : default;
        return found;
    }

    /// <summary>4 decimal labels (reversed IPv4) or 32 hex nibbles (reversed IPv6); IPv4-mapped IPv6 is read as IPv4.</summary>
    private static bool TryReadAddress(ReadOnlySpan<byte> query, ReadOnlySpan<byte> labelStarts, out bool isV4, out uint v4, out UInt128 v6)
    {
        isV4 = false;
        v4 = 0;
        v6 = 0;
        if (labelStarts.Length == 4)
        {
            for (var i = 3; i >= 0; i--)
            {
                var label = Label(query, labelStarts[i]);
                if (label.Length is 0 or > 3 || (label.Length > 1 && label[0] == '0'))
                {
                    return false;
                }
                var value = 0;
                foreach (var c in label)
                {
                    if (c is < (byte)'0' or > (byte)'9')
                    {
                        return false;
                    }
                    value = value * 10 + (c - '0');
                }
                if (value > 255)
                {
                    return false;
                }
                v4 = (v4 << 8) | (uint)value;
            }
            isV4 = true;
            return true;
        }
        if (labelStarts.Length == 32)
        {
            for (var i = 31; i >= 0; i--)
            {
                var label = Label(query, labelStarts[i]);
                if (label.Length != 1 || HexValue(label[0]) is not (>= 0 and var nibble))
                {
                    return false;
                }
                v6 = (v6 << 4) | (uint)nibble;
            }
            if (v6 >> 32 == 0xFFFF)
            {
                isV4 = true;
                v4 = (uint)v6;
            }
            return true;
        }
        return false;
    }

    private static ReadOnlySpan<byte> Label(ReadOnlySpan<byte> query, byte start)
    {
        var offset = HeaderLength + start;
        return query.Slice(offset + 1, query[offset]);
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    private static bool EqualsIgnoreCase(ReadOnlySpan<byte> name, ReadOnlySpan<byte> lowercase)
    {
        if (name.Length != lowercase.Length)
        {
            return false;
        }
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            // Length bytes are at most 63, below 'A', so folding every byte is safe.
            if ((c is >= (byte)'A' and <= (byte)'Z' ? (byte)(c | 0x20) : c) != lowercase[i])
            {
                return false;
            }
        }
        return true;
    }

    private static int Complete(ReadOnlySpan<byte> query, Span<byte> reply, int questionEnd, ref RecordWriter writer, int rcode, int answers, int authority)
    {
        if (writer.Overflowed)
        {
            // Does not fit (UDP): the question alone with TC set; the client asks again over TCP.
            var length = Finish(query, reply, questionEnd, rcode, 0, 0);
            reply[2] |= 0x02;
            return length;
        }
        Finish(query, reply, questionEnd, rcode, answers, authority);
        return writer.Position;
    }

    /// <summary>Writes the header for a reply whose question is already in place.</summary>
    private static int Finish(ReadOnlySpan<byte> query, Span<byte> reply, int questionEnd, int rcode, int answers, int authority)
    {
        reply[0] = query[0];
        reply[1] = query[1];
        var authoritative = rcode is 0 or RcodeNxDomain;
        reply[2] = (byte)(0x80 | (authoritative ? 0x04 : 0) | (query[2] & 0x01));
        reply[3] = (byte)rcode;
        BinaryPrimitives.WriteUInt16BigEndian(reply[4..], 1);
        BinaryPrimitives.WriteUInt16BigEndian(reply[6..], (ushort)answers);
        BinaryPrimitives.WriteUInt16BigEndian(reply[8..], (ushort)authority);
        BinaryPrimitives.WriteUInt16BigEndian(reply[10..], 0);
        return questionEnd;
    }

    private static int HeaderOnly(ReadOnlySpan<byte> query, Span<byte> reply, int rcode)
    {
        reply[0] = query[0];
        reply[1] = query[1];
        reply[2] = (byte)(0x80 | (query[2] & 0x79));
        reply[3] = (byte)rcode;
        reply[4..HeaderLength].Clear();
        return HeaderLength;
    }

    /// <summary>Appends resource records; remembers when one did not fit instead of throwing.</summary>
    private ref struct RecordWriter(Span<byte> buffer, int position, int maxLength)
    {
        private readonly Span<byte> _buffer = buffer[..maxLength];

        public int Position { get; private set; } = position;

        public bool Overflowed { get; private set; }

        public void Write(ushort namePointer, ushort type, uint ttl, ReadOnlySpan<byte> data)
        {
            if (!TryHeader(namePointer, type, ttl, data.Length, out var target))
            {
                return;
            }
            data.CopyTo(target);
            Position += data.Length;
        }

        /// <summary>The TXT record: one string, the template with each '$' replaced by the address.</summary>
        public void WriteTxt(ushort namePointer, uint ttl, byte[][] parts, bool isV4, uint v4, UInt128 v6)
        {
            Span<byte> address = stackalloc byte[DnsblZone.LongestAddressText];
            var addressLength = isV4 ? AddressText.WriteIPv4(v4, address) : AddressText.WriteIPv6(v6, address);
            var text = 0;
            foreach (var part in parts)
            {
                text += part.Length;
            }
            text += (parts.Length - 1) * addressLength;
            text = Math.Min(text, DnsblZone.MaxTxtLength);
            if (!TryHeader(namePointer, TypeTxt, ttl, 1 + text, out var target))
            {
                return;
            }
            target[0] = (byte)text;
            var written = 1;
            for (var i = 0; i < parts.Length && written <= text; i++)
            {
                if (i > 0)
                {
                    written += Copy(address[..addressLength], target[written..(1 + text)]);
                }
                written += Copy(parts[i], target[written..(1 + text)]);
            }
            Position += 1 + text;
        }

        private static int Copy(ReadOnlySpan<byte> source, Span<byte> target)
        {
            var length = Math.Min(source.Length, target.Length);
            source[..length].CopyTo(target);
            return length;
        }

        private bool TryHeader(ushort namePointer, ushort type, uint ttl, int dataLength, out Span<byte> data)
        {
            if (Overflowed || Position + 12 + dataLength > _buffer.Length)
            {
                Overflowed = true;
                data = default;
                return false;
            }
            var span = _buffer[Position..];
            BinaryPrimitives.WriteUInt16BigEndian(span, namePointer);
            BinaryPrimitives.WriteUInt16BigEndian(span[2..], type);
            BinaryPrimitives.WriteUInt16BigEndian(span[4..], ClassIn);
            BinaryPrimitives.WriteUInt32BigEndian(span[6..], ttl);
            BinaryPrimitives.WriteUInt16BigEndian(span[10..], (ushort)dataLength);
            Position += 12;
            data = _buffer.Slice(Position, dataLength);
            return true;
        }
    }
}
