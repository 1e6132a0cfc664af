using DelistPortal.Data;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace DelistPortal.Blocklist;

/// <summary>
/// Inserts a batch of new listings with one SQL statement, and their history events with a second one (the rows go in
/// as one JSON array, read with <c>jsonb_each</c>), in the context's open transaction. For imports: SaveChanges sends
/// one INSERT per entity, and inside a transaction SQLite opens a statement savepoint for each statement that writes
/// the FTS5 search table (through the <see cref="ListingSearch"/> triggers); FTS5 writes its pending terms to disk
/// at every savepoint, so a batch of 1,000 listings became 1,000 one-row index segments to write and merge. In one
/// statement the triggers still fire for every row, but the search index takes the whole batch in one write.
/// The values are written as the model maps them (enums as names, times as Unix milliseconds: see
/// <see cref="UtcMillisecondsConverter"/>); tests compare the result with listings saved through EF.
/// </summary>
internal static class ListingBulkInsert
{
    private sealed record Column<T>(string Name, Action<Utf8JsonWriter, T> Write);

    // Every column of Listings except Id (assigned), EndedAt and DelistRequestId (null for a new listing).
    private static readonly Column<Listing>[] ListingColumns =
    [
        new("Network", (w, l) => w.WriteStringValue(l.Network)),
        new("RangeStart", (w, l) => w.WriteStringValue(l.RangeStart)),
        new("RangeEnd", (w, l) => w.WriteStringValue(l.RangeEnd)),
        new("PrefixLength", (w, l) => w.WriteNumberValue(l.PrefixLength)),
        new("Reason", (w, l) => w.WriteStringValue(l.Reason.ToString())),
        new("Detail", (w, l) => w.WriteStringValue(l.Detail)),
        new("Source", (w, l) => w.WriteStringValue(l.Source.ToString())),
        new("ListedAt", (w, l) => w.WriteNumberValue(l.ListedAt.ToUnixTimeMilliseconds())),
        new("ExpiresAt", (w, l) => WriteTime(w, l.ExpiresAt)),
        new("Status", (w, l) => w.WriteStringValue(l.Status.ToString())),
        new("SelfServiceAllowed", (w, l) => w.WriteNumberValue(l.SelfServiceAllowed ? 1 : 0)),
        new("TimesListedBefore", (w, l) => w.WriteNumberValue(l.TimesListedBefore)),
        new("Version", (w, l) => w.WriteNumberValue(l.Version)),
        new("Evidence_FirstSeen", (w, l) => WriteTime(w, l.Evidence.FirstSeen)),
        new("Evidence_HeloName", (w, l) => w.WriteStringValue(l.Evidence.HeloName)),
        new("Evidence_LastSeen", (w, l) => WriteTime(w, l.Evidence.LastSeen)),
        new("Evidence_SampleCount", (w, l) => WriteNumber(w, l.Evidence.SampleCount)),
    ];

    // Every column of ListingEvents except Id (assigned).
    private static readonly Column<ListingEvent>[] EventColumns =
    [
        new("ListingId", (w, e) => w.WriteNumberValue(e.ListingId)),
        new("Network", (w, e) => w.WriteStringValue(e.Network)),
        new("RangeStart", (w, e) => w.WriteStringValue(e.RangeStart)),
        new("RangeEnd", (w, e) => w.WriteStringValue(e.RangeEnd)),
        new("Kind", (w, e) => w.WriteStringValue(e.Kind.ToString())),
        new("ActorKind", (w, e) => w.WriteStringValue(e.ActorKind.ToString())),
        new("ActorName", (w, e) => w.WriteStringValue(e.ActorName)),
        new("At", (w, e) => w.WriteNumberValue(e.At.ToUnixTimeMilliseconds())),
        new("ClientAddress", (w, e) => w.WriteStringValue(e.ClientAddress)),
        new("Reason", (w, e) => w.WriteStringValue(e.Reason)),
        new("DelistRequestId", (w, e) => w.WriteStringValue(e.DelistRequestId?.ToString().ToUpperInvariant())),
    ];

    internal static readonly string InsertListingsSql = InsertSql("Listings", ListingColumns) + " RETURNING Id, RangeStart, RangeEnd";

    internal static readonly string InsertEventsSql = InsertSql("ListingEvents", EventColumns);

    /// <summary>The columns each statement writes, for the test that holds them to the model.</summary>
    internal static IReadOnlyList<string> ListingColumnNames => ListingColumns.Select(c => c.Name).ToList();

    internal static IReadOnlyList<string> EventColumnNames => EventColumns.Select(c => c.Name).ToList();

    /// <summary>Inserts new listings (no two with the same range) and sets their <see cref="Listing.Id"/>.</summary>
    public static async Task InsertListingsAsync(PortalDbContext db, IReadOnlyList<Listing> listings, CancellationToken cancellationToken)
    {
        if (listings.Count == 0)
        {
            return;
        }
        if (db.Database.IsNpgsql())
        {
            await ListingBulkCopy.InsertListingsAsync(db, listings, cancellationToken);
            return;
        }
        await using var command = CreateCommand(db, InsertListingsSql, ListingColumns, listings);
        // RETURNING gives the rows in no promised order: match them by range, unique in the batch.
        var byRange = listings.ToDictionary(l => (l.RangeStart, l.RangeEnd));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            byRange[(reader.GetString(1), reader.GetString(2))].Id = reader.GetInt32(0);
        }
    }

    public static async Task InsertEventsAsync(PortalDbContext db, IReadOnlyList<ListingEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }
        if (db.Database.IsNpgsql())
        {
            await ListingBulkCopy.InsertEventsAsync(db, events, cancellationToken);
            return;
        }
        await using var command = CreateCommand(db, InsertEventsSql, EventColumns, events);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // jsonb_each, not json_each: json_each hands each row's array to `->>` as JSON text, which SQLite rendered from
    // its parsed form and parsed again for every row; jsonb_each hands it over parsed (a quarter of the statements' time).
    private static string InsertSql<T>(string table, Column<T>[] columns) =>
        $"INSERT INTO {table} ({string.Join(", ", columns.Select(c => c.Name))}) " +
        $"SELECT {string.Join(", ", columns.Select((_, i) => $"value ->> {i}"))} FROM jsonb_each(CAST($rows AS TEXT)) ORDER BY key";

    private static SqliteCommand CreateCommand<T>(PortalDbContext db, string sql, Column<T>[] columns, IReadOnlyList<T> rows)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction() as SqliteTransaction
            ?? throw new InvalidOperationException("A bulk insert runs in the context's open transaction.");
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        // The JSON goes in as its UTF-8 bytes, read back as text by the CAST: a batch's JSON as a .NET string was twice
        // its size in UTF-16 (tens of megabytes a batch), and the provider encoded it to UTF-8 again to bind it.
        command.Parameters.Add(new SqliteParameter("$rows", SqliteType.Blob) { Value = Json(columns, rows) });
        return command;
    }

    /// <summary>One JSON array per row, its values in the order of <paramref name="columns"/>, as UTF-8.</summary>
    private static byte[] Json<T>(Column<T>[] columns, IReadOnlyList<T> rows)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(rows.Count * 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var row in rows)
            {
                writer.WriteStartArray();
                foreach (var column in columns)
                {
                    column.Write(writer, row);
                }
                writer.WriteEndArray();
            }
            writer.WriteEndArray();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteTime(Utf8JsonWriter writer, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            writer.WriteNumberValue(time.ToUnixTimeMilliseconds());
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, int? value)
    {
        if (value is { } number)
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
