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
}
