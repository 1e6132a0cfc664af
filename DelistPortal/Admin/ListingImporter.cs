using System.Globalization;
using System.Security.Claims;
using DelistPortal.Blocklist;
using DelistPortal.Portal;

namespace DelistPortal.Admin;

public enum ImportErrorKind
{
    /// <summary>The file has no header line with the required columns.</summary>
    MissingColumns,
    BadNetwork,
    UnknownReason,
    DetailMissing,
    DetailTooLong,
    BadExpiry,
    ExpiryInThePast,
    BadSelfService,
    BadSamples,
    HeloTooLong,
    /// <summary>The line could not be read as CSV (an unclosed quote, for example).</summary>
    Malformed,
    TooManyRows,
    /// <summary>A line (or a quoted field's lines) longer than <see cref="CsvRecordReader.MaxRecordLength"/>: the file was read up to it.</summary>
    RecordTooLong,
}

/// <param name="Line">The line of the file (1 is the header).</param>
/// <param name="Value">The offending value or column names, shown to the admin.</param>
public sealed record ImportError(int Line, ImportErrorKind Kind, string? Value);

public sealed record ImportRow(int Line, ListingDraft Draft);

/// <summary>What a file holds: how many rows can be imported and how many cannot, with the first of each to show.</summary>
public sealed record ImportPreview(int RowCount, IReadOnlyList<ImportRow> FirstRows, int ErrorCount, IReadOnlyList<ImportError> Errors)
{
    public bool CanImport => RowCount > 0;
}

/// <param name="Done">Rows of the file imported (or refused) so far.</param>
/// <param name="Total">The file's valid rows.</param>
/// <param name="Refused">Valid rows the listing policy refused while importing.</param>
/// <param name="Invalid">Rows with errors read so far (left out: the check before the import listed them).</param>
public sealed record ImportProgress(int Done, int Total, int Listed = 0, int AlreadyListed = 0, int Refused = 0, int Invalid = 0);

/// <param name="Refused">The first <see cref="ListingImporter.ShownErrors"/> rows the listing policy refused; <paramref name="RefusedCount"/> counts them all.</param>
/// <param name="Invalid">Rows of the file with errors, left out of the import.</param>
public sealed record ImportResult(int Listed, int AlreadyListed, int RefusedCount, IReadOnlyList<ImportError> Refused, int Invalid = 0);

/// <summary>One record of the file: a row to list, or why it cannot be.</summary>
internal readonly record struct ImportRecord(ImportRow? Row, ImportError? Error);

/// <summary>
/// CSV import of listings. Columns (header line required, any order, names case-insensitive):
/// <c>network</c> (address or CIDR), <c>reason</c> (a <see cref="ListingReason"/> name), <c>detail</c>, and optional
/// <c>expires</c> (ISO 8601; empty: the policy's lifetime; <c>never</c>: permanent), <c>self_service</c>
/// (true/false), <c>helo</c>, <c>samples</c>. Other columns are ignored, so an export can be imported again.
/// The file is read as a stream, row by row, once: the preview checks it and keeps its valid rows in network order in a
/// work file, which the import (<see cref="ImportJobs"/> runs it in the background) writes from. A million rows are
/// never held in memory at once.
/// </summary>
public sealed class ListingImporter(BlocklistService blocklist, TimeProvider time)
{
    public const int MaxRows = 1_000_000;

    /// <summary>
    /// Rows listed per transaction, unless <see cref="ImportOptions.BatchRows"/> says otherwise. Each transaction
    /// rewrites every index page it touches, and an import's networks land all over the address indexes: 10,000 rows a
    /// transaction wrote about a fifth of the pages 1,000 did, and 50,000 half of what 10,000 did at a million listings.
    /// </summary>
    public const int BatchSize = 50_000;

    /// <summary>How many rows and errors a preview or a result keeps to show.</summary>
    public const int ShownRows = 20;

    public const int ShownErrors = 200;

    private static readonly string[] RequiredColumns = ["network", "reason", "detail"];

    /// <summary>Reads the whole file and checks every row; changes nothing. Viewers may preview too.</summary>
    public async Task<ImportPreview> PreviewAsync(ClaimsPrincipal caller, Stream csv, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        return await PreviewFileAsync(csv, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>Lists the valid rows of a file, in batches, reporting progress after each. Waits for the end: see <see cref="ImportJobs"/> for the background job.</summary>
    public async Task<ImportResult> ImportAsync(ClaimsPrincipal caller, Stream csv, IProgress<ImportProgress>? progress, string? clientAddress,
        CancellationToken cancellationToken = default, int batchSize = BatchSize)
    {
        var actor = AdminAccess.RequireWriter(caller);
        var now = time.GetUtcNow();
        return await ImportFileAsync(blocklist, csv, now, 0, actor, clientAddress, null, (p, _) =>
        {
            progress?.Report(p);
            return Task.CompletedTask;
        }, cancellationToken, batchSize);
    }

    /// <param name="keep">Where the valid rows go for the import, if it is to skip checking the file again (<see cref="ImportJobs.CheckAsync"/>).</param>
    internal static async Task<ImportPreview> PreviewFileAsync(Stream csv, DateTimeOffset now, CancellationToken cancellationToken,
        NetworkOrderedRows? keep = null)
    {
        var (rows, errors) = (0, 0);
        var firstRows = new List<ImportRow>();
        var firstErrors = new List<ImportError>();
        await foreach (var record in ReadAsync(csv, now, cancellationToken))
        {
            if (record.Row is { } row)
            {
                keep?.Add(row);
                if (rows++ < ShownRows)
                {
                    firstRows.Add(row);
                }
            }
            else if (errors++ < ShownErrors)
            {
                firstErrors.Add(record.Error!);
            }
        }
        keep?.Save(errors);
        return new ImportPreview(rows, firstRows, errors, firstErrors);
    }

    /// <summary>
    /// Lists the file's valid rows in batches of <paramref name="batchSize"/>, in network order: the whole file is read
    /// and checked first (its valid rows kept in a work file, <see cref="NetworkOrderedRows"/>), then written sorted by
    /// network (<see cref="ImportRowsAsync"/>).
    /// </summary>
    /// <param name="totalRows">The file's valid rows, for progress; 0 when unknown.</param>
    /// <param name="connection">An open connection to write on (the import job's, with a larger page cache), or null.</param>
    /// <param name="afterBatch">
    /// Awaited after each batch, before the next one is written (progress, a job's heartbeat); while the file is read,
    /// after every <paramref name="batchSize"/> rows read, with nothing done yet.
    /// </param>
    /// <param name="workFolder">Where the checked rows wait for their turn (the data folder's imports/); the system's temporary folder when null.</param>
    internal static async Task<ImportResult> ImportFileAsync(BlocklistService blocklist, Stream csv, DateTimeOffset now, int totalRows, Actor actor,
        string? clientAddress, System.Data.Common.DbConnection? connection, Func<ImportProgress, CancellationToken, Task>? afterBatch, CancellationToken cancellationToken,
        int batchSize = BatchSize, string? workFolder = null)
    {
        using var rows = new NetworkOrderedRows(workFolder ?? Path.GetTempPath(), totalRows);
        // Rows with errors are skipped here, but counted: the job's summary says how many of the file were left out.
        var invalid = 0;
        await foreach (var record in ReadAsync(csv, now, cancellationToken))
        {
            if (record.Row is not { } row)
            {
                invalid++;
                continue;
            }
            rows.Add(row);
            if (rows.Count % batchSize == 0 && afterBatch is not null)
            {
                await afterBatch(new ImportProgress(0, totalRows, Invalid: invalid), cancellationToken);
            }
        }
        rows.Sort();
        return await ImportRowsAsync(blocklist, rows, invalid, actor, clientAddress, connection, afterBatch, cancellationToken, batchSize);
    }

    /// <summary>
    /// Lists checked rows (a file's, in network order) in batches of <paramref name="batchSize"/>, the next batch read
    /// while the database writes the current one. The outcome is the file order's: the first row of a network in the
    /// file is the one listed, and the refused rows named are the file's first ones. The rows' text is put in the
    /// full-text index at the end, in one pass (docs/decisions/011).
    /// </summary>
    /// <param name="invalid">The file's rows with errors, left out (for the progress and the result).</param>
    internal static async Task<ImportResult> ImportRowsAsync(BlocklistService blocklist, NetworkOrderedRows rows, int invalid, Actor actor,
        string? clientAddress, System.Data.Common.DbConnection? connection, Func<ImportProgress, CancellationToken, Task>? afterBatch, CancellationToken cancellationToken,
        int batchSize = BatchSize)
    {
        var totalRows = rows.Count;
        // The next batch is read and prepared (checked against the list, its listings made) on another thread while the
        // database writes the current one: batches never share a network, so a batch does not depend on the one before.
        var batches = System.Threading.Channels.Channel.CreateBounded<(List<ImportRow> Rows, ListingBatch Prepared)>(1);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = Task.Run(async () =>
        {
            try
            {
                foreach (var batch in rows.Batches(batchSize))
                {
                    var prepared = await blocklist.PrepareManyAsync(batch.Select(r => r.Draft).ToList(), stop.Token);
                    await batches.Writer.WriteAsync((batch, prepared), stop.Token);
                }
                batches.Writer.Complete();
            }
            catch (Exception ex)
            {
                batches.Writer.Complete(ex);
            }
        }, stop.Token);

        if (afterBatch is not null)
        {
            // While the first batch is prepared: a job's first heartbeat (its update compiled once, ~0.3 s) runs now
            // rather than between two batches.
            await afterBatch(new ImportProgress(0, totalRows, Invalid: invalid), cancellationToken);
        }
        var (listed, already, refusedCount, done) = (0, 0, 0, 0);
        // The refused rows of the lowest lines (the file's first ones, as a file-order import names them), at most twice
        // as many as are shown between trims.
        var refused = new List<ImportError>();
        try
        {
            await foreach (var (batch, prepared) in batches.Reader.ReadAllAsync(stop.Token))
            {
                var results = await blocklist.WriteManyAsync(prepared, actor, clientAddress, cancellationToken, connection, deferSearch: true);
                for (var i = 0; i < batch.Count; i++)
                {
                    switch (results[i].Outcome)
                    {
                        case ChangeOutcome.Done:
                            listed++;
                            break;
                        case ChangeOutcome.AlreadyListed:
                            already++;
                            break;
                        default:
                            refusedCount++;
                            refused.Add(new ImportError(batch[i].Line, results[i].Error == ListingDraftError.ExpiryInThePast
                                ? ImportErrorKind.ExpiryInThePast : ImportErrorKind.Malformed, batch[i].Draft.Network.ToString()));
                            if (refused.Count >= 2 * ShownErrors)
                            {
                                KeepFirstLines(refused);
                            }
                            break;
                    }
                }
                done += batch.Count;
                if (afterBatch is not null)
                {
                    await afterBatch(new ImportProgress(done, Math.Max(done, totalRows), listed, already, refusedCount, invalid), cancellationToken);
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await reading.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
        KeepFirstLines(refused);
        // The rows' text goes into the full-text index now, in one pass (the import deferred it), and this process's
        // lookup index catches up with the last batches: an import ends when text search finds all its rows and the
        // DNSBL here answers for them. An import that stops early leaves the text to the next import or start (ImportJobs).
        await blocklist.FinishImportAsync(connection, cancellationToken);
        return new ImportResult(listed, already, refusedCount, refused, invalid);
    }

    private static void KeepFirstLines(List<ImportError> refused)
    {
        refused.Sort((a, b) => a.Line.CompareTo(b.Line));
        if (refused.Count > ShownErrors)
        {
            refused.RemoveRange(ShownErrors, refused.Count - ShownErrors);
        }
    }

    /// <summary>The file's records, one at a time: each valid row as a draft, each invalid one as an error naming its line.</summary>
    internal static async IAsyncEnumerable<ImportRecord> ReadAsync(Stream csv, DateTimeOffset now,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = CsvRecordReader.Open(csv);
        List<string> header;
        ImportError? headerError = null;
        try
        {
            header = (await reader.ReadAsync())?.Select(h => h.Trim().ToLowerInvariant()).ToList() ?? [];
        }
        catch (CsvRecordTooLongException)
        {
            (header, headerError) = ([], TooLong(1));
        }
        catch (FormatException)
        {
            header = [];
        }
        if (headerError is not null)
        {
            yield return new ImportRecord(null, headerError);
            yield break;
        }
        if (RequiredColumns.Except(header).ToList() is { Count: > 0 } missing)
        {
            yield return new ImportRecord(null, new ImportError(1, ImportErrorKind.MissingColumns, string.Join(", ", missing)));
            yield break;
        }
        var columns = header.Select((name, index) => (name, index)).GroupBy(c => c.name).ToDictionary(g => g.Key, g => g.First().index);
        // The rows are checked a chunk at a time on another thread while the next chunk is read: the check (addresses,
        // times, names) is most of a row's cost, and it overlaps the reading on the second core. The order is the file's.
        var count = 0;
        var chunk = new List<(int Line, IReadOnlyList<string> Record)>(ChunkRows);
        Task<ImportRecord[]>? checking = null;
        ImportError? end = null;
        while (end is null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            IReadOnlyList<string>? record;
            try
            {
                record = await reader.ReadAsync();
            }
            catch (CsvRecordTooLongException)
            {
                end = TooLong(reader.RecordLine);
                break;
            }
            catch (FormatException)
            {
                end = new ImportError(reader.RecordLine, ImportErrorKind.Malformed, null);
                break;
            }
            if (record is null)
            {
                break;
            }
            var line = reader.RecordLine;
            if (count++ >= MaxRows)
            {
                end = new ImportError(line, ImportErrorKind.TooManyRows, MaxRows.ToString(CultureInfo.InvariantCulture));
                break;
            }
            chunk.Add((line, record));
            if (chunk.Count == ChunkRows)
            {
                if (checking is not null)
                {
                    foreach (var checkedRecord in await checking)
                    {
                        yield return checkedRecord;
                    }
                }
                var full = chunk;
                checking = Task.Run(() => Check(full, columns, now), cancellationToken);
                chunk = new List<(int, IReadOnlyList<string>)>(ChunkRows);
            }
        }
        if (checking is not null)
        {
            foreach (var checkedRecord in await checking)
            {
                yield return checkedRecord;
            }
        }
        foreach (var checkedRecord in Check(chunk, columns, now))
        {
            yield return checkedRecord;
        }
        if (end is not null)
        {
            yield return new ImportRecord(null, end);
        }
    }

    private static ImportError TooLong(int line) =>
        new(line, ImportErrorKind.RecordTooLong, CsvRecordReader.MaxRecordLength.ToString(CultureInfo.InvariantCulture));

    /// <summary>Rows read from the file and checked per chunk (see <see cref="ReadAsync"/>).</summary>
    private const int ChunkRows = 2_000;

    private static ImportRecord[] Check(List<(int Line, IReadOnlyList<string> Record)> chunk, Dictionary<string, int> columns, DateTimeOffset now)
    {
        var checkedRecords = new ImportRecord[chunk.Count];
        for (var i = 0; i < chunk.Count; i++)
        {
            var (line, record) = chunk[i];
            string? Field(string name) =>
                columns.TryGetValue(name, out var index) && index < record.Count && record[index].Trim() is { Length: > 0 } value ? value : null;
            var (draft, error) = ParseRow(Field, now);
            checkedRecords[i] = draft is not null ? new ImportRecord(new ImportRow(line, draft), null) : new ImportRecord(null, error! with { Line = line });
        }
        return checkedRecords;
    }

    /// <summary>The row as a draft, or the first thing wrong with it.</summary>
    private static (ListingDraft? Draft, ImportError? Error) ParseRow(Func<string, string?> field, DateTimeOffset now)
    {
        var network = field("network");
        if (IpNetworkInput.Parse(network).Network is not { } parsedNetwork)
        {
            return (null, new ImportError(0, ImportErrorKind.BadNetwork, network));
        }
        var reason = field("reason");
        if (!Enum.TryParse<ListingReason>(reason, ignoreCase: true, out var parsedReason) || !Enum.IsDefined(parsedReason) || reason!.All(char.IsAsciiDigit))
        {
            return (null, new ImportError(0, ImportErrorKind.UnknownReason, reason));
        }
        var detail = field("detail");
        if (string.IsNullOrWhiteSpace(detail))
        {
            return (null, new ImportError(0, ImportErrorKind.DetailMissing, null));
        }
        if (detail.Length > Listing.MaxDetailLength)
        {
            return (null, new ImportError(0, ImportErrorKind.DetailTooLong, Listing.MaxDetailLength.ToString(CultureInfo.InvariantCulture)));
        }
        var expires = field("expires");
        var permanent = "never".Equals(expires, StringComparison.OrdinalIgnoreCase);
        DateTimeOffset? expiresAt = null;
        if (expires is not null && !permanent)
        {
            if (!TryParseTime(expires, out var at))
            {
                return (null, new ImportError(0, ImportErrorKind.BadExpiry, expires));
            }
            if (at <= now)
            {
                return (null, new ImportError(0, ImportErrorKind.ExpiryInThePast, expires));
            }
            expiresAt = at;
        }
        var selfService = true;
        if (field("self_service") is { } selfServiceText && !bool.TryParse(selfServiceText, out selfService))
        {
            return (null, new ImportError(0, ImportErrorKind.BadSelfService, selfServiceText));
        }
        int? sampleCount = null;
        if (field("samples") is { } samples)
        {
            if (!int.TryParse(samples, NumberStyles.None, CultureInfo.InvariantCulture, out var parsedSamples))
            {
                return (null, new ImportError(0, ImportErrorKind.BadSamples, samples));
            }
            sampleCount = parsedSamples;
        }
        var helo = field("helo");
        if (helo?.Length > ListingEvidence.MaxHeloNameLength)
        {
            return (null, new ImportError(0, ImportErrorKind.HeloTooLong, ListingEvidence.MaxHeloNameLength.ToString(CultureInfo.InvariantCulture)));
        }
        return (new ListingDraft(parsedNetwork, parsedReason, detail, ListingSource.Import)
        {
            ExpiresAt = expiresAt,
            Permanent = permanent,
            SelfServiceAllowed = selfService,
            Evidence = new ListingEvidence { HeloName = helo, SampleCount = sampleCount },
        }, null);
    }

    private static bool TryParseTime(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
}
