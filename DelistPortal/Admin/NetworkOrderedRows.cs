using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Net;
using System.Net.Sockets;
using DelistPortal.Blocklist;
using DelistPortal.Blocklist.Index;

namespace DelistPortal.Admin;

/// <summary>
/// An import file's checked rows, handed back in network order (RangeStart, then RangeEnd, then file order): each batch
/// then covers one interval of the address-ordered indexes, which a new database appends to and a full one has
/// dirtied about once per page, instead of every batch rewriting nearly every page of them (the cost of an import in
/// file order at a million rows: docs/benchmarks-admin.md). The rows go to a work file as they are checked (deleted
/// when this is disposed); memory holds 40 bytes a row (the two keys and the row's place in the file), sorted.
/// </summary>
internal sealed class NetworkOrderedRows : IDisposable
{
    private readonly record struct Entry(UInt128 Start, UInt128 End, long Offset) : IComparable<Entry>
    {
        // The offset grows with the line: equal networks keep the file's order, so the first of them is listed.
        public int CompareTo(Entry other) =>
            Start != other.Start ? Start.CompareTo(other.Start) : End != other.End ? End.CompareTo(other.End) : Offset.CompareTo(other.Offset);
    }

    private readonly FileStream _file;
    private readonly BinaryWriter _writer;
    private readonly List<Entry> _entries;
    private MemoryMappedFile? _map;
    private MemoryMappedViewStream? _view;

    public NetworkOrderedRows(string folder, int expectedRows)
    {
        Directory.CreateDirectory(folder);
        _file = new FileStream(Path.Combine(folder, $"{Guid.NewGuid():N}.rows"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16,
            FileOptions.DeleteOnClose);
        _writer = new BinaryWriter(_file, System.Text.Encoding.UTF8, leaveOpen: true);
        _entries = new List<Entry>(Math.Clamp(expectedRows, 0, ListingImporter.MaxRows));
    }

    public int Count => _entries.Count;

    public void Add(ImportRow row)
    {
        var (start, end) = Keys(row.Draft.Network);
        _entries.Add(new Entry(start, end, _file.Position));
        Write(row);
    }

    /// <summary>Sorts the rows; call once, after the last <see cref="Add"/>.</summary>
    public void Sort()
    {
        _writer.Flush();
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_entries).Sort();
        if (_file.Length > 0)
        {
            _map = MemoryMappedFile.CreateFromFile(_file, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            _view = _map.CreateViewStream(0, 0, MemoryMappedFileAccess.Read);
        }
    }

    /// <summary>The rows in network order, <paramref name="size"/> at a time.</summary>
    public IEnumerable<List<ImportRow>> Batches(int size)
    {
        if (_view is null)
        {
            yield break;
        }
        using var reader = new BinaryReader(_view, System.Text.Encoding.UTF8, leaveOpen: true);
        for (var first = 0; first < _entries.Count; first += size)
        {
            var count = Math.Min(size, _entries.Count - first);
            var batch = new List<ImportRow>(count);
            for (var i = first; i < first + count; i++)
            {
                _view.Position = _entries[i].Offset;
                batch.Add(Read(reader));
            }
            yield return batch;
        }
    }

    public void Dispose()
    {
        _view?.Dispose();
        _map?.Dispose();
        _writer.Dispose();
        _file.Dispose();
    }

    /// <summary>The network's first and last address as 128-bit numbers, IPv4 mapped into ::ffff:0:0/96: the order of <see cref="AddressKey"/>.</summary>
    internal static (UInt128 Start, UInt128 End) Keys(IpNetwork network)
    {
        Span<byte> bytes = stackalloc byte[16];
        network.Address.TryWriteBytes(bytes, out var written);
        var (start, prefix) = written == 4
            ? ((UInt128)0xFFFF << 32 | BinaryPrimitives.ReadUInt32BigEndian(bytes), 96 + network.PrefixLength)
            : (BinaryPrimitives.ReadUInt128BigEndian(bytes), network.PrefixLength);
        return (start, start | FamilyTable<UInt128>.HostMask(prefix));
    }

    private const byte HasExpiry = 1, Permanent = 2, SelfService = 4, HasHelo = 8, HasSamples = 16;

    private void Write(ImportRow row)
    {
        var draft = row.Draft;
        Span<byte> bytes = stackalloc byte[16];
        draft.Network.Address.TryWriteBytes(bytes, out var written);
        _writer.Write(row.Line);
        _writer.Write((byte)written);
        _writer.Write(bytes[..written]);
        if (written == 16)
        {
            _writer.Write(draft.Network.Address.ScopeId);
        }
        _writer.Write((byte)draft.Network.PrefixLength);
        _writer.Write((int)draft.Reason);
        _writer.Write(draft.Detail);
        _writer.Write((byte)((draft.ExpiresAt is null ? 0 : HasExpiry) | (draft.Permanent ? Permanent : 0) | (draft.SelfServiceAllowed ? SelfService : 0)
            | (draft.Evidence.HeloName is null ? 0 : HasHelo) | (draft.Evidence.SampleCount is null ? 0 : HasSamples)));
        if (draft.ExpiresAt is { } expires)
        {
            _writer.Write(expires.UtcTicks);
            _writer.Write((short)expires.TotalOffsetMinutes);
        }
        if (draft.Evidence.HeloName is { } helo)
        {
            _writer.Write(helo);
        }
        if (draft.Evidence.SampleCount is { } samples)
        {
            _writer.Write(samples);
        }
    }

    private static ImportRow Read(BinaryReader reader)
    {
        var line = reader.ReadInt32();
        var length = reader.ReadByte();
        Span<byte> bytes = stackalloc byte[length];
        reader.BaseStream.ReadExactly(bytes);
        var address = length == 16 ? new IPAddress(bytes, reader.ReadInt64()) : new IPAddress(bytes);
        var prefix = reader.ReadByte();
        var reason = (ListingReason)reader.ReadInt32();
        var detail = reader.ReadString();
        var flags = reader.ReadByte();
        DateTimeOffset? expires = (flags & HasExpiry) != 0
            ? new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(reader.ReadInt16()))
            : null;
        var helo = (flags & HasHelo) != 0 ? reader.ReadString() : null;
        int? samples = (flags & HasSamples) != 0 ? reader.ReadInt32() : null;
        return new ImportRow(line, new ListingDraft(new IpNetwork(address, prefix), reason, detail, ListingSource.Import)
        {
            ExpiresAt = expires,
            Permanent = (flags & Permanent) != 0,
            SelfServiceAllowed = (flags & SelfService) != 0,
            Evidence = new ListingEvidence { HeloName = helo, SampleCount = samples },
        });
    }
}
