using DelistPortal.Data;
using DelistPortal.Portal;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace DelistPortal.Blocklist;

/// <summary>
/// Inserts a batch of new listings with one SQL statement (the rows go in as one JSON array, read with
/// <c>jsonb_each</c>), and their history events with a second one that makes them from the listings' rows, in the
/// context's open transaction. For imports: SaveChanges sends
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

    internal static readonly string InsertListingsSql = InsertSql("Listings", ListingColumns) + " RETURNING Id, RangeStart, RangeEnd";

    /// <summary>
    /// Every column of ListingEvents except Id (assigned), and what <see cref="InsertListedEventsAsync"/> writes in each:
    /// <see cref="ListingEvent.For"/>'s values for a new listing, taken from the listing's row ($n: the same for all).
    /// </summary>
    private static readonly (string Name, string Value)[] ListedEventColumns =
    [
        ("ListingId", "\"Id\""),
        ("Network", "\"Network\""),
        ("RangeStart", "\"RangeStart\""),
        ("RangeEnd", "\"RangeEnd\""),
        // The kind the batch chose (BlocklistService.NewListing): Relisted when the network was listed before.
        ("Kind", $"CASE WHEN \"TimesListedBefore\" = 0 THEN '{nameof(ListingEventKind.Listed)}' ELSE '{nameof(ListingEventKind.Relisted)}' END"),
        ("ActorKind", "$actorKind"),
        ("ActorName", "$actorName"),
        ("At", "$at"),
        ("ClientAddress", "$clientAddress"),
        // The event's reason is the draft's trimmed detail, which is the listing's detail (both at most 1,000 characters).
        ("Reason", "\"Detail\""),
        ("DelistRequestId", "NULL"),
    ];

    /// <summary>The columns each statement writes, for the test that holds them to the model.</summary>
    internal static IReadOnlyList<string> ListingColumnNames => ListingColumns.Select(c => c.Name).ToList();

    internal static IReadOnlyList<string> EventColumnNames => ListedEventColumns.Select(c => c.Name).ToList();

    /// <param name="ids">The predicate that picks the batch's listings: a JSON array on SQLite, an array on PostgreSQL.</param>
    private static string InsertListedEventsSql(string ids, bool postgreSql)
    {
        var sql = $"""
            INSERT INTO "ListingEvents" ({string.Join(", ", ListedEventColumns.Select(c => $"\"{c.Name}\""))})
            SELECT {string.Join(", ", ListedEventColumns.Select(c => c.Value))} FROM "Listings" WHERE {ids} ORDER BY "Id"
            """;
        // Npgsql takes positional parameters in raw SQL.
        return postgreSql
            ? sql.Replace("$actorKind", "$1").Replace("$actorName", "$2").Replace("$at", "$3").Replace("$clientAddress", "$4")
            : sql;
    }

    private static readonly string InsertListedEventsSqlite = InsertListedEventsSql("\"Id\" IN (SELECT value FROM json_each($ids))", postgreSql: false);

    private static readonly string InsertListedEventsPostgreSql = InsertListedEventsSql("\"Id\" = ANY($5)", postgreSql: true);

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

    /// <summary>
    /// Writes the Listed (or Relisted) event of each listing just inserted (with its id), in their id order, from the
    /// listings' own rows: the same rows as <see cref="ListingEvent.For"/> gives, without making, sending and reading
    /// back an event per listing (a third of an import batch's values).
    /// </summary>
    public static async Task InsertListedEventsAsync(PortalDbContext db, IReadOnlyList<Listing> listings, Actor actor, DateTimeOffset at,
        string? clientAddress, CancellationToken cancellationToken)
    {
        if (listings.Count == 0)
        {
            return;
        }
        var ids = listings.Select(l => l.Id).ToArray();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("A bulk insert runs in the context's open transaction.");
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        var postgreSql = db.Database.IsNpgsql();
        command.CommandText = postgreSql ? InsertListedEventsPostgreSql : InsertListedEventsSqlite;
        // Values as the model stores them: the actor kind by name, the time in Unix milliseconds.
        object?[] values = [actor.Kind.ToString(), actor.Name, at.ToUnixTimeMilliseconds(), clientAddress, ids];
        string[] names = ["$actorKind", "$actorName", "$at", "$clientAddress", "$ids"];
        for (var i = 0; i < values.Length; i++)
        {
            var parameter = command.CreateParameter();
            if (!postgreSql)
            {
                parameter.ParameterName = names[i];
            }
            parameter.Value = (!postgreSql && values[i] is int[] array ? JsonSerializer.Serialize(array) : values[i]) ?? DBNull.Value;
            if (values[i] is null)
            {
                // An untyped null: PostgreSQL needs to know it is text.
                parameter.DbType = System.Data.DbType.String;
            }
            command.Parameters.Add(parameter);
        }
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
