using System.Text;

namespace DelistPortal.Admin;

/// <summary>
/// RFC 4180 CSV, small and exact about line numbers (a quoted field may span lines, and an error must name the line
/// where its record starts). Reads comma-separated records with "" as an escaped quote.
/// </summary>
public sealed class CsvRecordReader(TextReader reader)
{
    /// <summary>
    /// The longest record read, in characters (and the longest line, in bytes, of a stream opened with
    /// <see cref="Open"/>). A file without line breaks, or with a quote that is never closed, would otherwise be held
    /// in memory whole, as one line or one field, before its length could be looked at. An export's line is a few
    /// hundred characters.
    /// </summary>
    public const int MaxRecordLength = 1 << 20;

    private int _line = 1;

    /// <summary>Reads a CSV stream, failing at the first line longer than <see cref="MaxRecordLength"/> bytes before the line is held.</summary>
    public static CsvRecordReader Open(Stream csv) => new(new StreamReader(new LineLengthLimit(csv, MaxRecordLength), bufferSize: 1 << 16));

    /// <summary>The line the last record started on (1-based); after a failed read, the line of the record that failed.</summary>
    public int RecordLine { get; private set; }

    /// <summary>
    /// The next record, or null at the end. Throws <see cref="FormatException"/> for an unclosed quote, and
    /// <see cref="CsvRecordTooLongException"/> (a FormatException) for a record over <see cref="MaxRecordLength"/>.
    /// </summary>
    public async Task<IReadOnlyList<string>?> ReadAsync()
    {
        RecordLine = _line;
        var line = await reader.ReadLineAsync();
        // Blank lines between records are skipped.
        while (line is { Length: 0 })
        {
            RecordLine = ++_line;
            line = await reader.ReadLineAsync();
        }
        if (line is null)
        {
            return null;
        }
        RecordLine = _line++;
        var length = line.Length;
        if (length > MaxRecordLength)
        {
            throw new CsvRecordTooLongException();
        }
        if (!line.Contains('"'))
        {
            // Most lines of an import have no quotes: then every comma separates fields, and a split is a fraction of
            // the character-by-character reading below.
            return line.Split(',');
        }
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var i = 0;
        while (true)
        {
            if (i >= line.Length)
            {
                if (!quoted)
                {
                    fields.Add(field.ToString());
                    return fields;
                }
                // A quoted field goes on on the next line.
                line = await reader.ReadLineAsync() ?? throw new FormatException("A quoted field is not closed.");
                _line++;
                if ((length += line.Length + 1) > MaxRecordLength)
                {
                    throw new CsvRecordTooLongException();
                }
                field.Append('\n');
                i = 0;
                continue;
            }
            var c = line[i++];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i < line.Length && line[i] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }
    }
}

/// <summary>A record (a line, or lines a quoted field spans) is longer than <see cref="CsvRecordReader.MaxRecordLength"/>: the reading stops there.</summary>
public sealed class CsvRecordTooLongException() : FormatException($"A CSV record is longer than {CsvRecordReader.MaxRecordLength} characters.");

/// <summary>
/// A stream whose reads fail with <see cref="CsvRecordTooLongException"/> once a line (bytes between two line breaks)
/// runs longer than <paramref name="maxLineBytes"/>: a line reader above it is then still reading that line, so the
/// lines before it have been read and the failure names the right one.
/// </summary>
internal sealed class LineLengthLimit(Stream inner, int maxLineBytes) : Stream
{
    // Bytes since the last line break.
    private long _run;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Count(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        Count(buffer.AsSpan(offset, read));
        return read;
    }

    private void Count(ReadOnlySpan<byte> bytes)
    {
        // A line that starts and ends within one read is shorter than the read; only a line that goes on from the
        // reads before can be too long.
        var first = bytes.IndexOfAny((byte)'\n', (byte)'\r');
        if ((_run += first >= 0 ? first : bytes.Length) > maxLineBytes)
        {
            throw new CsvRecordTooLongException();
        }
        if (first >= 0)
        {
            // The last line of the read goes on in the next one.
            _run = bytes.Length - bytes.LastIndexOfAny((byte)'\n', (byte)'\r') - 1;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

public static class CsvField
{
    /// <summary>A field quoted when it has to be; a leading =, +, - or @ is prefixed with ' so spreadsheets do not run it as a formula.</summary>
    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        if (value[0] is '=' or '+' or '@' or '\t' or '\r' || (value[0] == '-' && !char.IsAsciiDigit(value.ElementAtOrDefault(1))))
        {
            value = "'" + value;
        }
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    public static string Line(IEnumerable<string?> values) => string.Join(",", values.Select(Escape));
}
