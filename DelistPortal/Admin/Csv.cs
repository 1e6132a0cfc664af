using System.Text;

namespace DelistPortal.Admin;

/// <summary>
/// RFC 4180 CSV, small and exact about line numbers (a quoted field may span lines, and an error must name the line
/// where its record starts). Reads comma-separated records with "" as an escaped quote.
/// </summary>
public sealed class CsvRecordReader(TextReader reader)
{
    private int _line = 1;

    /// <summary>The line the last record started on (1-based).</summary>
    public int RecordLine { get; private set; }

    /// <summary>The next record, or null at the end. Throws <see cref="FormatException"/> for an unclosed quote.</summary>
    public async Task<IReadOnlyList<string>?> ReadAsync()
    {
        var line = await reader.ReadLineAsync();
        // Blank lines between records are skipped.
        while (line is { Length: 0 })
        {
            _line++;
            line = await reader.ReadLineAsync();
        }
        if (line is null)
        {
            return null;
        }
        RecordLine = _line++;
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
