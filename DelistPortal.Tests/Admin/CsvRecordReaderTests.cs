using DelistPortal.Admin;

namespace DelistPortal.Tests.Admin;

public sealed class CsvRecordReaderTests
{
    private static async Task<List<IReadOnlyList<string>>> ReadAllAsync(string text)
    {
        var reader = new CsvRecordReader(new StringReader(text));
        var records = new List<IReadOnlyList<string>>();
        while (await reader.ReadAsync() is { } record)
        {
            records.Add(record);
        }
        return records;
    }

    [Fact]
    public async Task ALineWithoutQuotesReadsLikeTheSameLineWithEveryFieldQuoted()
    {
        var records = await ReadAllAsync("203.0.113.7,Spam,trap hit,,never,\n\"203.0.113.7\",\"Spam\",\"trap hit\",\"\",\"never\",\"\"\n");

        Assert.Equal(2, records.Count);
        Assert.Equal(["203.0.113.7", "Spam", "trap hit", "", "never", ""], records[0]);
        Assert.Equal(records[0], records[1]);
    }

    [Fact]
    public async Task AQuotedFieldKeepsItsCommasQuotesAndLineBreaks()
    {
        var reader = new CsvRecordReader(new StringReader("a,\"b, \"\"c\"\"\nd\",e\nf,g\n"));

        var first = await reader.ReadAsync();
        var firstLine = reader.RecordLine;
        var second = await reader.ReadAsync();

        Assert.Equal(["a", "b, \"c\"\nd", "e"], first);
        Assert.Equal(["f", "g"], second);
        Assert.Equal((1, 3), (firstLine, reader.RecordLine));
    }

    [Fact]
    public async Task ALineOverTheLimitFailsAtItsOwnLineAfterTheLinesBeforeItAreRead()
    {
        var text = "a,b\n\nc,d\n" + new string('x', CsvRecordReader.MaxRecordLength + 1) + "\ne,f\n";
        var reader = CsvRecordReader.Open(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)));

        var first = await reader.ReadAsync();
        var second = await reader.ReadAsync();
        await Assert.ThrowsAsync<CsvRecordTooLongException>(reader.ReadAsync);

        Assert.Equal(["a", "b"], first);
        Assert.Equal(["c", "d"], second);
        Assert.Equal(4, reader.RecordLine);
    }

    [Fact]
    public async Task AFileWithoutLineBreaksIsNotReadFurtherThanTheLimit()
    {
        var endless = new EndlessLine();

        await Assert.ThrowsAsync<CsvRecordTooLongException>(CsvRecordReader.Open(endless).ReadAsync);

        // The line was never held whole: the reading stopped within one buffer of the limit.
        Assert.InRange(endless.Sent, CsvRecordReader.MaxRecordLength, CsvRecordReader.MaxRecordLength + (1 << 17));
    }

    [Fact]
    public async Task AQuoteThatIsNeverClosedStopsAtTheLimitNamingTheLineWhereItsRecordStarts()
    {
        var text = "a,b\nc,\"opened\n" + string.Concat(Enumerable.Repeat("more text\n", CsvRecordReader.MaxRecordLength / 10 + 1));
        var reader = CsvRecordReader.Open(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)));

        await reader.ReadAsync();
        await Assert.ThrowsAsync<CsvRecordTooLongException>(reader.ReadAsync);

        Assert.Equal(2, reader.RecordLine);
    }

    [Fact]
    public async Task LinesEndedByCarriageReturnsAloneAreShortLines()
    {
        var text = string.Concat(Enumerable.Range(0, 300_000).Select(i => $"row,{i}\r"));
        var reader = CsvRecordReader.Open(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)));

        var count = 0;
        while (await reader.ReadAsync() is not null)
        {
            count++;
        }

        Assert.True(text.Length > CsvRecordReader.MaxRecordLength);
        Assert.Equal(300_000, count);
    }

    /// <summary>A file of one line that never ends.</summary>
    private sealed class EndlessLine : DelistPortal.Tests.Support.ReadOnlyTestStream
    {
        public long Sent { get; private set; }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            buffer.Span.Fill((byte)'x');
            Sent += buffer.Length;
            return ValueTask.FromResult(buffer.Length);
        }
    }
}
