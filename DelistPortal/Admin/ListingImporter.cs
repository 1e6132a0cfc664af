using System.Globalization;
using System.Security.Claims;
using DelistPortal.Blocklist;

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
}

/// <param name="Line">The line of the file (1 is the header).</param>
/// <param name="Value">The offending value or column names, shown to the admin.</param>
public sealed record ImportError(int Line, ImportErrorKind Kind, string? Value);

public sealed record ImportRow(int Line, ListingDraft Draft);

public sealed record ImportPreview(IReadOnlyList<ImportRow> Rows, IReadOnlyList<ImportError> Errors)
{
    public bool CanImport => Rows.Count > 0;
}

public sealed record ImportProgress(int Done, int Total);

public sealed record ImportResult(int Listed, int AlreadyListed, IReadOnlyList<ImportError> Refused);

/// <summary>
/// CSV import of listings. Columns (header line required, any order, names case-insensitive):
/// <c>network</c> (address or CIDR), <c>reason</c> (a <see cref="ListingReason"/> name), <c>detail</c>, and optional
/// <c>expires</c> (ISO 8601; empty: the policy's lifetime; <c>never</c>: permanent), <c>self_service</c>
/// (true/false), <c>helo</c>, <c>samples</c>. Other columns are ignored, so an export can be imported again.
/// </summary>
public sealed class ListingImporter(BlocklistService blocklist, TimeProvider time)
{
    public const int MaxRows = 1_000_000;
    public const int BatchSize = 1000;

    private static readonly string[] RequiredColumns = ["network", "reason", "detail"];

    /// <summary>Reads the whole file and checks every row; changes nothing. Viewers may preview too.</summary>
    public async Task<ImportPreview> PreviewAsync(ClaimsPrincipal caller, Stream csv, CancellationToken cancellationToken = default)
    {
        AdminAccess.RequireReader(caller);
        return await ParseAsync(csv, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>Lists the valid rows of a preview, in batches, reporting progress after each.</summary>
    public async Task<ImportResult> ImportAsync(ClaimsPrincipal caller, IReadOnlyList<ImportRow> rows, IProgress<ImportProgress>? progress, string? clientAddress, CancellationToken cancellationToken = default)
    {
        var actor = AdminAccess.RequireWriter(caller);
        return await ImportRowsAsync(blocklist, rows, actor, progress, clientAddress, cancellationToken);
    }

    internal static async Task<ImportResult> ImportRowsAsync(BlocklistService blocklist, IReadOnlyList<ImportRow> rows, Actor actor,
        IProgress<ImportProgress>? progress, string? clientAddress, CancellationToken cancellationToken)
    {
        var (listed, already) = (0, 0);
        var refused = new List<ImportError>();
        for (var offset = 0; offset < rows.Count; offset += BatchSize)
        {
            var batch = rows.Skip(offset).Take(BatchSize).ToList();
            var results = await blocklist.ListManyAsync(batch.Select(r => r.Draft).ToList(), actor, clientAddress, cancellationToken);
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
                        refused.Add(new ImportError(batch[i].Line, results[i].Error == ListingDraftError.ExpiryInThePast
                            ? ImportErrorKind.ExpiryInThePast : ImportErrorKind.Malformed, batch[i].Draft.Network.ToString()));
                        break;
                }
            }
            progress?.Report(new ImportProgress(Math.Min(offset + batch.Count, rows.Count), rows.Count));
        }
        return new ImportResult(listed, already, refused);
    }

    internal static async Task<ImportPreview> ParseAsync(Stream csv, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = new List<ImportRow>();
        var errors = new List<ImportError>();
        using var text = new StreamReader(csv);
        var reader = new CsvRecordReader(text);
        List<string> header;
        try
        {
            header = (await reader.ReadAsync())?.Select(h => h.Trim().ToLowerInvariant()).ToList() ?? [];
        }
        catch (FormatException)
        {
            header = [];
        }
        if (RequiredColumns.Except(header).ToList() is { Count: > 0 } missing)
        {
            return new ImportPreview([], [new ImportError(1, ImportErrorKind.MissingColumns, string.Join(", ", missing))]);
        }
        var columns = header.Select((name, index) => (name, index)).GroupBy(c => c.name).ToDictionary(g => g.Key, g => g.First().index);

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            IReadOnlyList<string>? record;
            try
            {
                record = await reader.ReadAsync();
            }
            catch (FormatException)
            {
                errors.Add(new ImportError(reader.RecordLine, ImportErrorKind.Malformed, null));
                break;
            }
            if (record is null)
            {
                break;
            }
            var line = reader.RecordLine;
            if (rows.Count + errors.Count >= MaxRows)
            {
                errors.Add(new ImportError(line, ImportErrorKind.TooManyRows, MaxRows.ToString(CultureInfo.InvariantCulture)));
                break;
            }
            string? Field(string name) =>
                columns.TryGetValue(name, out var index) && index < record.Count && record[index].Trim() is { Length: > 0 } value ? value : null;
            if (ParseRow(Field, now) is { } error)
            {
                errors.Add(error with { Line = line });
            }
            else
            {
                rows.Add(new ImportRow(line, Draft(Field, now)));
            }
        }
        return new ImportPreview(rows, errors);
    }

    private static ImportError? ParseRow(Func<string, string?> field, DateTimeOffset now)
    {
        var network = field("network");
        if (!IpNetworkInput.Parse(network).IsValid)
        {
            return new ImportError(0, ImportErrorKind.BadNetwork, network);
        }
        var reason = field("reason");
        if (!Enum.TryParse<ListingReason>(reason, ignoreCase: true, out var parsedReason) || !Enum.IsDefined(parsedReason) || reason!.All(char.IsAsciiDigit))
        {
            return new ImportError(0, ImportErrorKind.UnknownReason, reason);
        }
        var detail = field("detail");
        if (string.IsNullOrWhiteSpace(detail))
        {
            return new ImportError(0, ImportErrorKind.DetailMissing, null);
        }
        if (detail.Length > Listing.MaxDetailLength)
        {
            return new ImportError(0, ImportErrorKind.DetailTooLong, Listing.MaxDetailLength.ToString(CultureInfo.InvariantCulture));
        }
        var expires = field("expires");
        if (expires is not null && !expires.Equals("never", StringComparison.OrdinalIgnoreCase))
        {
            if (!TryParseTime(expires, out var at))
            {
                return new ImportError(0, ImportErrorKind.BadExpiry, expires);
            }
            if (at <= now)
            {
                return new ImportError(0, ImportErrorKind.ExpiryInThePast, expires);
            }
        }
        if (field("self_service") is { } selfService && !bool.TryParse(selfService, out _))
        {
            return new ImportError(0, ImportErrorKind.BadSelfService, selfService);
        }
        if (field("samples") is { } samples && (!int.TryParse(samples, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            return new ImportError(0, ImportErrorKind.BadSamples, samples);
        }
        if (field("helo")?.Length > ListingEvidence.MaxHeloNameLength)
        {
            return new ImportError(0, ImportErrorKind.HeloTooLong, ListingEvidence.MaxHeloNameLength.ToString(CultureInfo.InvariantCulture));
        }
        return null;
    }

    private static ListingDraft Draft(Func<string, string?> field, DateTimeOffset now)
    {
        var expires = field("expires");
        var permanent = "never".Equals(expires, StringComparison.OrdinalIgnoreCase);
        return new ListingDraft(
            IpNetworkInput.Parse(field("network")).Network!.Value,
            Enum.Parse<ListingReason>(field("reason")!, ignoreCase: true),
            field("detail")!,
            ListingSource.Import)
        {
            ExpiresAt = expires is not null && !permanent && TryParseTime(expires, out var at) ? at : null,
            Permanent = permanent,
            SelfServiceAllowed = field("self_service") is not { } selfService || bool.Parse(selfService),
            Evidence = new ListingEvidence
            {
                HeloName = field("helo"),
                SampleCount = field("samples") is { } samples ? int.Parse(samples, CultureInfo.InvariantCulture) : null,
            },
        };
    }

    private static bool TryParseTime(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
}
