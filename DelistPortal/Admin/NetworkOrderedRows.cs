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
/// file order at a million rows: docs/benchmarks-admin.md). The rows go to a work file as they are checked; memory
/// holds 40 bytes a row (the two keys and the row's place in the file), sorted. A work file is either temporary
/// (deleted when this is disposed) or kept (<see cref="Create"/>): the check of an upload writes it with its order and
/// counts at its end (<see cref="Save"/>), and the import job opens it (<see cref="TryOpen"/>) instead of reading and
/// checking the file a second time.
/// </summary>
internal sealed class NetworkOrderedRows : IDisposable
{
    private readonly record struct Entry(UInt128 Start, UInt128 End, long Offset) : IComparable<Entry>
    {
        // The offset grows with the line: equal networks keep the file's order, so the first of them is listed.
        public int CompareTo(Entry other) =>
            Start != other.Start ? Start.CompareTo(other.Start) : End != other.End ? End.CompareTo(other.End) : Offset.CompareTo(other.Offset);
    }

    // A kept file ends with its sorted entries and this footer: where the entries start, how many, the file's rows with
    // errors, and a mark that the check finished (a file cut short by a crash has none, and is checked again).
    private const int FooterBytes = sizeof(long) + 3 * sizeof(int);
    private const int FinishedMark = 0x44505231;

    private readonly FileStream _file;
    private readonly BinaryWriter _writer;
    private readonly List<Entry> _entries;
    private MemoryMappedFile? _map;
    private MemoryMappedViewStream? _view;

    private NetworkOrderedRows(FileStream file, List<Entry> entries)
    {
        _file = file;
        _writer = new BinaryWriter(_file, System.Text.Encoding.UTF8, leaveOpen: true);
        _entries = entries;
    }

    /// <summary>A work file in <paramref name="folder"/>, deleted when this is disposed.</summary>
    public NetworkOrderedRows(string folder, int expectedRows)
        : this(CreateFile(Path.Combine(folder, $"{Guid.NewGuid():N}.rows"), FileOptions.DeleteOnClose), NewEntries(expectedRows))
    {
    }

    /// <summary>A work file at <paramref name="path"/> that stays when this is disposed, to be <see cref="Save"/>d.</summary>
    public static NetworkOrderedRows Create(string path, int expectedRows) => new(CreateFile(path, FileOptions.None), NewEntries(expectedRows));

    /// <summary>
    /// Opens a work file that <see cref="Save"/> finished, sorted and ready for <see cref="Batches"/>, with the count of
    /// the file's rows that had errors; null when there is none (or the check did not finish).
    /// </summary>
    public static NetworkOrderedRows? TryOpen(string path, out int invalid)
    {
        invalid = 0;
        FileStream file;
        try
        {
            // Read and write, as the writer of a new file: this one is only read.
            file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        try
        {
            if (file.Length < FooterBytes)
            {
                file.Dispose();
                return null;
            }
            using var reader = new BinaryReader(file, System.Text.Encoding.UTF8, leaveOpen: true);
            file.Position = file.Length - FooterBytes;
            var (entriesAt, count, errors, mark) = (reader.ReadInt64(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32());
            if (mark != FinishedMark || entriesAt < 0 || entriesAt + (long)count * 40 != file.Length - FooterBytes)
            {
                file.Dispose();
                return null;
            }
            file.Position = entriesAt;
            var entries = new List<Entry>(count);
            for (var i = 0; i < count; i++)
            {
                entries.Add(new Entry(ReadKey(reader), ReadKey(reader), reader.ReadInt64()));
            }
            var rows = new NetworkOrderedRows(file, entries);
            rows.Map();
            invalid = errors;
            return rows;
        }
        catch
        {
            file.Dispose();
            throw;
        }
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
        Map();
    }

    /// <summary>Sorts the rows and writes their order and the file's count of rows with errors at the end of a kept file.</summary>
    public void Save(int invalid)
    {
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_entries).Sort();
        var entriesAt = _file.Position;
        foreach (var entry in _entries)
        {
            WriteKey(entry.Start);
            WriteKey(entry.End);
            _writer.Write(entry.Offset);
        }
        _writer.Write(entriesAt);
        _writer.Write(_entries.Count);
        _writer.Write(invalid);
        _writer.Write(FinishedMark);
        _writer.Flush();
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

    private static FileStream CreateFile(string path, FileOptions options)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, options);
    }

    private static List<Entry> NewEntries(int expectedRows) => new(Math.Clamp(expectedRows, 0, ListingImporter.MaxRows));

    private void Map()
    {
        if (_entries.Count > 0)
        {
            _map = MemoryMappedFile.CreateFromFile(_file, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            _view = _map.CreateViewStream(0, 0, MemoryMappedFileAccess.Read);
        }
    }

    private void WriteKey(UInt128 key)
    {
        _writer.Write((ulong)(key >> 64));
        _writer.Write((ulong)key);
    }

    private static UInt128 ReadKey(BinaryReader reader) => new(reader.ReadUInt64(), reader.ReadUInt64());

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
