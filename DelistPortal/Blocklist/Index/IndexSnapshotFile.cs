using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using DelistPortal.ChangeLog;
using DelistPortal.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Blocklist.Index;

/// <summary>
/// The lookup index's rows in a file beside the database, with the change-log position they were read at, so that a
/// process starts from the file and then catches up through the change log instead of reading every active listing
/// (docs/decisions/011). The file names the log entry at its position (position, topic, key and time): a process uses
/// it only while that very entry is still in its database's log — not for another database, a restored older one, or
/// once the entry was pruned — and the whole file is checked against its SHA-256. Anything else: the usual load.
/// Written to a temporary file and renamed over the old one, so a reader sees a whole file or the previous one.
/// </summary>
public sealed class IndexSnapshotFile(IDbContextFactory<PortalDbContext> dbFactory, string? path, ILogger<IndexSnapshotFile> logger,
    bool thisHostsOwn = false)
{
    private const ulong Magic = 0x31_50_41_4E_53_58_49_44; // "DIXSNAP1"

    /// <summary>Where the file is; null for a database that is not a file (in memory).</summary>
    public string? Path { get; } = path;

    /// <summary>
    /// Whether only this host reads the file (PostgreSQL: <see cref="PathForPostgreSql"/>, in the host's own data folder),
    /// rather than every process on the database (SQLite: beside the database file).
    /// </summary>
    public bool ThisHostsOwn { get; } = thisHostsOwn;

    /// <summary>The file beside the database named by <paramref name="connectionString"/>, or null when it is not a file.</summary>
    public static string? PathFor(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        return dataSource is { Length: > 0 } && dataSource != ":memory:" && !dataSource.StartsWith("file::memory:", StringComparison.Ordinal)
            ? System.IO.Path.GetFullPath(dataSource) + ".index-snapshot"
            : null;
    }

    /// <summary>
    /// The file for a PostgreSQL database: in this host's data folder, named after the server, port and database. The
    /// entry the file names is checked against the database's log at every start, so a wrong guess only costs a load.
    /// </summary>
    public static string PathForPostgreSql(string connectionString, string dataFolder)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var name = string.Concat($"postgresql-{builder.Host}-{builder.Port}-{builder.Database}".Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_'));
        return System.IO.Path.Combine(dataFolder, name + ".index-snapshot");
    }

    /// <summary>The log's last entry (the position a load that starts now covers), or null when the log is empty.</summary>
    public async Task<ChangeLogEntry?> LastEntryAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ChangeLog.AsNoTracking().OrderByDescending(e => e.Position).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The log's entry at a position; null when it is not (or no longer) in the log.</summary>
    public async Task<ChangeLogEntry?> EntryAtAsync(long position, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ChangeLog.AsNoTracking().FirstOrDefaultAsync(e => e.Position == position, cancellationToken);
    }

    /// <summary>Writes <paramref name="load"/>, read after <paramref name="at"/> was the log's last entry.</summary>
    public Task WriteAsync(ChangeLogEntry at, IndexLoad load, CancellationToken cancellationToken) =>
        WriteAsync(at, writer =>
        {
            WriteList(writer, load.V4);
            WriteList(writer, load.V6);
            WriteList(writer, load.Ids);
        }, cancellationToken);

    /// <summary>
    /// Writes an index's entries as they were when the log was applied up to <paramref name="at"/>, straight from its
    /// tables: no read of the table and no copy of the rows in memory.
    /// </summary>
    internal Task WriteAsync(ChangeLogEntry at, IndexSnapshot snapshot, CancellationToken cancellationToken)
    {
        // Each list starts with its length: counted once per family, and the ids are as many as both families' rows.
        var (v4, v6) = (snapshot.V4Rows.Count(), snapshot.V6Rows.Count());
        return WriteAsync(at, writer =>
        {
            WriteRows(writer, v4, snapshot.V4Rows);
            WriteRows(writer, v6, snapshot.V6Rows);
            WriteRows(writer, v4 + v6, snapshot.V4Rows.Select(row => row.ListingId).Concat(snapshot.V6Rows.Select(row => row.ListingId)));
        }, cancellationToken);
    }

    private async Task WriteAsync(ChangeLogEntry at, Action<BinaryWriter> writeRows, CancellationToken cancellationToken)
    {
        if (Path is null)
        {
            return;
        }
        var temporary = $"{Path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: false))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                using (var writer = new BinaryWriter(new HashingStream(file, hash), System.Text.Encoding.UTF8, leaveOpen: true))
                {
                    writer.Write(Magic);
                    writer.Write(Unsafe.SizeOf<IndexRow<uint>>());
                    writer.Write(Unsafe.SizeOf<IndexRow<UInt128>>());
                    writer.Write(at.Position);
                    writer.Write(at.Topic);
                    writer.Write(at.Key);
                    writer.Write(at.At);
                    writeRows(writer);
                }
                file.Write(hash.GetHashAndReset());
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, Path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// The rows and the position they cover, when the file is whole, of this format, and its entry is still in this
    /// database's change log; otherwise null (and the reason is logged).
    /// </summary>
    public async Task<(long Position, IndexLoad Load)?> TryReadAsync(CancellationToken cancellationToken)
    {
        if (Path is null || !File.Exists(Path))
        {
            return null;
        }
        ChangeLogEntry entry;
        IndexLoad load;
        try
        {
            // Read and hashed as a stream, not as one array the size of the file: a start would otherwise hold tens of MB
            // more at a million listings (and a large array lives on for as long as anything still points at it).
            await using var file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: false);
            if (file.Length < 32 + 8)
            {
                logger.LogWarning("The index snapshot {File} is damaged (too short); loading from the database", Path);
                return null;
            }
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using (var reader = new BinaryReader(new HashingStream(file, hash, readLength: file.Length - 32), System.Text.Encoding.UTF8, leaveOpen: true))
            {
                if (reader.ReadUInt64() != Magic || reader.ReadInt32() != Unsafe.SizeOf<IndexRow<uint>>() || reader.ReadInt32() != Unsafe.SizeOf<IndexRow<UInt128>>())
                {
                    logger.LogWarning("The index snapshot {File} is of another format; loading from the database", Path);
                    return null;
                }
                entry = new ChangeLogEntry { Position = reader.ReadInt64(), Topic = reader.ReadString(), Key = reader.ReadString(), At = reader.ReadInt64() };
                load = new IndexLoad();
                ReadList(reader, load.V4);
                ReadList(reader, load.V6);
                ReadList(reader, load.Ids);
                if (reader.BaseStream.Position != reader.BaseStream.Length)
                {
                    throw new FormatException("The snapshot has bytes after its rows.");
                }
            }
            var checksum = new byte[32];
            file.ReadExactly(checksum);
            if (!hash.GetHashAndReset().AsSpan().SequenceEqual(checksum))
            {
                logger.LogWarning("The index snapshot {File} is damaged (its checksum does not match); loading from the database", Path);
                return null;
            }
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException or FormatException or ArgumentException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "Could not read the index snapshot {File}; loading from the database", Path);
            return null;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var stored = await db.ChangeLog.AsNoTracking().FirstOrDefaultAsync(e => e.Position == entry.Position, cancellationToken);
        if (stored is null || stored.Topic != entry.Topic || stored.Key != entry.Key || stored.At != entry.At)
        {
            logger.LogInformation("The index snapshot {File} (position {Position}) is not of this database's change log, or is older than it keeps; loading from the database",
                Path, entry.Position);
            return null;
        }
        return (entry.Position, load);
    }

    private static void WriteList<T>(BinaryWriter writer, List<T> list) where T : unmanaged
    {
        writer.Write(list.Count);
        writer.Write(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(list)));
    }

    /// <summary>As <see cref="WriteList{T}"/> writes a list, from <paramref name="count"/> rows enumerated as they are written.</summary>
    private static void WriteRows<T>(BinaryWriter writer, int count, IEnumerable<T> rows) where T : unmanaged
    {
        writer.Write(count);
        var buffer = new T[4096];
        var filled = 0;
        foreach (var row in rows)
        {
            buffer[filled++] = row;
            if (filled == buffer.Length)
            {
                writer.Write(MemoryMarshal.AsBytes(buffer.AsSpan()));
                filled = 0;
            }
        }
        writer.Write(MemoryMarshal.AsBytes(buffer.AsSpan(0, filled)));
    }

    private static void ReadList<T>(BinaryReader reader, List<T> list) where T : unmanaged
    {
        var count = reader.ReadInt32();
        var size = Unsafe.SizeOf<T>();
        if (count < 0 || (long)count * size > reader.BaseStream.Length - reader.BaseStream.Position)
        {
            throw new FormatException("The snapshot's row count does not fit the file.");
        }
        CollectionsMarshal.SetCount(list, count);
        // A file stream may hand back less than asked for in one read; BinaryReader reads nothing ahead.
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(list)));
    }

    /// <summary>Feeds what is written, or read (up to <c>readLength</c> bytes: the file without its checksum), to the hash as well.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash, long readLength = -1) : Stream
    {
        private long _read;

        public override bool CanRead => readLength >= 0;
        public override bool CanSeek => false;
        public override bool CanWrite => readLength < 0;
        public override long Length => CanRead ? readLength : throw new NotSupportedException();
        public override long Position { get => CanRead ? _read : throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (!CanRead)
            {
                throw new NotSupportedException();
            }
            var read = inner.Read(buffer[..(int)Math.Min(buffer.Length, readLength - _read)]);
            hash.AppendData(buffer[..read]);
            _read += read;
            return read;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (!CanWrite)
            {
                throw new NotSupportedException();
            }
            hash.AppendData(buffer);
            inner.Write(buffer);
        }
    }
}
