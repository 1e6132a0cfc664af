using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace DelistPortal.AdminBenchmarks;

/// <summary>
/// A migrated SQLite file with 1,000,000 listings, made once and reused (it takes a minute): 70 % active, 20 %
/// delisted, 10 % expired; reasons spread evenly; listed over the past year; one in twenty a /28 range, one in fifty IPv6.
/// Or the same listings in a PostgreSQL database (<see cref="OpenOrCreatePostgreSql"/>), written by binary COPY.
/// </summary>
public sealed class BenchmarkDatabase : IDbContextFactory<PortalDbContext>
{
    public const int ListingCount = 1_000_000;

    public static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private readonly DbContextOptions<PortalDbContext> _options;

    public BenchmarkDatabase(string file, params IInterceptor[] interceptors)
    {
        File = file;
        _options = new DbContextOptionsBuilder<PortalDbContext>().UseSqlite($"Data Source={file};Default Timeout=30")
            .AddInterceptors(interceptors).Options;
    }

    private BenchmarkDatabase(DatabaseProvider provider, string connectionString, IInterceptor[] interceptors)
    {
        Provider = provider;
        File = connectionString;
        _options = new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql(connectionString).AddInterceptors(interceptors).Options;
    }

    /// <summary>The SQLite file, or the PostgreSQL connection string.</summary>
    public string File { get; }

    public DatabaseProvider Provider { get; } = DatabaseProvider.Sqlite;

    /// <summary>The environment variable with a PostgreSQL connection string: the benchmarks then run there too.</summary>
    public const string PostgreSqlVariable = "DELISTPORTAL_BENCH_POSTGRESQL";

    /// <summary>A PostgreSQL database (created when missing, or dropped and created again) migrated by PostgreSQL's migrations.</summary>
    public static BenchmarkDatabase PostgreSql(string connectionString, bool recreate, params IInterceptor[] interceptors)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        using (var server = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" }.ToString()))
        {
            server.Open();
            using var exists = server.CreateCommand();
            exists.CommandText = "SELECT count(*) FROM pg_database WHERE datname = $1";
            exists.Parameters.Add(new NpgsqlParameter { Value = name });
            var found = (long)exists.ExecuteScalar()! > 0;
            using var command = server.CreateCommand();
            command.CommandText = (found, recreate) switch
            {
                (true, true) => $"DROP DATABASE \"{name}\" WITH (FORCE); CREATE DATABASE \"{name}\"",
                (false, _) => $"CREATE DATABASE \"{name}\"",
                _ => "SELECT 1",
            };
            command.ExecuteNonQuery();
        }
        // A pooled connection to a dropped database would fail its next command.
        NpgsqlConnection.ClearAllPools();
        var database = new BenchmarkDatabase(DatabaseProvider.PostgreSQL, connectionString, interceptors);
        using (var db = database.CreateDbContext())
        {
            db.Database.Migrate();
        }
        return database;
    }

    /// <summary>The million listings in the PostgreSQL database of <paramref name="connectionString"/>, made once and reused.</summary>
    public static BenchmarkDatabase OpenOrCreatePostgreSql(string connectionString)
    {
        var database = PostgreSql(connectionString, recreate: false);
        using (var db = database.CreateDbContext())
        {
            if (db.Listings.Count() >= ListingCount)
            {
                return database;
            }
        }
        database = PostgreSql(connectionString, recreate: true);
        database.FillPostgreSql();
        return database;
    }

    public static string DefaultFile => Path.Combine(Environment.GetEnvironmentVariable("BENCH_DATA") ?? Path.Combine(Path.GetTempPath(), "delistportal-admin-bench"), "portal.db");

    public PortalDbContext CreateDbContext() => PortalDbContext.Create(_options, Provider);

    /// <summary>The same file, with the portal's interceptors (the lookup index's synchronizer) on every context.</summary>
    public BenchmarkDatabase With(params IInterceptor[] interceptors) =>
        Provider == DatabaseProvider.PostgreSQL ? new(Provider, File, interceptors) : new(File, interceptors);

    public static BenchmarkDatabase OpenOrCreate()
    {
        var database = new BenchmarkDatabase(DefaultFile);
        Directory.CreateDirectory(Path.GetDirectoryName(database.File)!);
        using (var db = database.CreateDbContext())
        {
            db.Database.OpenConnection();
            db.Database.ExecuteSqlRaw(DelistPortal.Data.DatabaseMigration.SqliteFileSettings);
            db.Database.Migrate();
            if (db.Listings.Count() >= ListingCount)
            {
                return database;
            }
        }
        database.Fill();
        return database;
    }

    private void Fill()
    {
        var watch = Stopwatch.StartNew();
        using var connection = new SqliteConnection($"Data Source={File}");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO Listings (Network, RangeStart, RangeEnd, PrefixLength, Reason, Detail, Source, ListedAt, ExpiresAt, Status, EndedAt,
                                  SelfServiceAllowed, TimesListedBefore, Version)
            VALUES ($network, $start, $end, $prefix, $reason, $detail, $source, $listedAt, $expiresAt, $status, $endedAt, 1, $times, 0)
            """;
        var parameters = new[] { "$network", "$start", "$end", "$prefix", "$reason", "$detail", "$source", "$listedAt", "$expiresAt", "$status", "$endedAt", "$times" }
            .ToDictionary(name => name, name => insert.Parameters.Add(new SqliteParameter(name, null)));
        foreach (var row in Rows())
        {
            parameters["$network"].Value = row.Network.ToString();
            parameters["$start"].Value = row.Network.StartKey;
            parameters["$end"].Value = row.Network.EndKey;
            parameters["$prefix"].Value = row.Network.PrefixLength;
            parameters["$reason"].Value = row.Reason.ToString();
            parameters["$detail"].Value = row.Detail;
            parameters["$source"].Value = row.Source.ToString();
            parameters["$listedAt"].Value = row.ListedAt.ToUnixTimeMilliseconds();
            parameters["$expiresAt"].Value = row.ExpiresAt is { } e ? e.ToUnixTimeMilliseconds() : DBNull.Value;
            parameters["$status"].Value = row.Status.ToString();
            parameters["$endedAt"].Value = row.EndedAt is { } ended ? ended.ToUnixTimeMilliseconds() : DBNull.Value;
            parameters["$times"].Value = row.TimesListedBefore;
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
        using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);";
        analyze.ExecuteNonQuery();
        Console.WriteLine($"Benchmark database: {ListingCount:N0} listings written in {watch.Elapsed.TotalSeconds:F1} s ({File})");
    }

    /// <summary>
    /// The same rows by binary COPY with the triggers off, then the tallies counted once and ANALYZE. Through the
    /// triggers, one transaction of a million rows updates the same few tally rows a million times, and PostgreSQL
    /// slows down with every version of them it keeps (it had not finished after 20 minutes). The grid reads no change log.
    /// </summary>
    private void FillPostgreSql()
    {
        var watch = Stopwatch.StartNew();
        using var connection = new NpgsqlConnection(File);
        connection.Open();
        using (var replica = connection.CreateCommand())
        {
            replica.CommandText = "SET session_replication_role = replica";
            replica.ExecuteNonQuery();
        }
        using (var writer = connection.BeginBinaryImport("""
            COPY "Listings" ("Network", "RangeStart", "RangeEnd", "PrefixLength", "Reason", "Detail", "Source", "ListedAt", "ExpiresAt",
                             "Status", "EndedAt", "SelfServiceAllowed", "TimesListedBefore", "Version") FROM STDIN (FORMAT BINARY)
            """))
        {
            foreach (var row in Rows())
            {
                writer.StartRow();
                writer.Write(row.Network.ToString(), NpgsqlDbType.Varchar);
                writer.Write(row.Network.StartKey, NpgsqlDbType.Varchar);
                writer.Write(row.Network.EndKey, NpgsqlDbType.Varchar);
                writer.Write(row.Network.PrefixLength, NpgsqlDbType.Integer);
                writer.Write(row.Reason.ToString(), NpgsqlDbType.Varchar);
                writer.Write(row.Detail, NpgsqlDbType.Varchar);
                writer.Write(row.Source.ToString(), NpgsqlDbType.Varchar);
                writer.Write(row.ListedAt.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint);
                WriteNullable(writer, row.ExpiresAt);
                writer.Write(row.Status.ToString(), NpgsqlDbType.Varchar);
                WriteNullable(writer, row.EndedAt);
                writer.Write(true, NpgsqlDbType.Boolean);
                writer.Write(row.TimesListedBefore, NpgsqlDbType.Integer);
                writer.Write(0, NpgsqlDbType.Integer);
            }
            writer.Complete();
        }
        using (var analyze = connection.CreateCommand())
        {
            analyze.CommandTimeout = 0;
            analyze.CommandText = """
                SET session_replication_role = origin;
                DELETE FROM "ListingTallies";
                INSERT INTO "ListingTallies" ("Status", "Reason", "Count") SELECT "Status", "Reason", count(*) FROM "Listings" GROUP BY 1, 2;
                """;
            analyze.ExecuteNonQuery();
            // On its own: VACUUM refuses to run in the transaction a batch of statements gets.
            analyze.CommandText = "VACUUM ANALYZE";
            analyze.ExecuteNonQuery();
        }
        Console.WriteLine($"Benchmark database: {ListingCount:N0} listings written in {watch.Elapsed.TotalSeconds:F1} s (PostgreSQL {connection.Database})");

        static void WriteNullable(NpgsqlBinaryImporter writer, DateTimeOffset? value)
        {
            if (value is { } v)
            {
                writer.Write(v.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint);
            }
            else
            {
                writer.WriteNull();
            }
        }
    }

    private sealed record Row(IpNetwork Network, ListingReason Reason, string Detail, ListingSource Source, DateTimeOffset ListedAt,
        DateTimeOffset? ExpiresAt, ListingStatus Status, DateTimeOffset? EndedAt, int TimesListedBefore);

    /// <summary>The listings, from a fixed seed: the same on every run and on both providers.</summary>
    private static IEnumerable<Row> Rows()
    {
        var random = new Random(42);
        var reasons = Enum.GetValues<ListingReason>();
        var sources = Enum.GetValues<ListingSource>();
        for (var i = 0; i < ListingCount; i++)
        {
            var network = NetworkNumber(i);
            var listedAt = Now.AddSeconds(-random.Next(0, 365 * 24 * 3600));
            var roll = random.Next(100);
            var status = roll < 70 ? ListingStatus.Active : roll < 90 ? ListingStatus.Delisted : ListingStatus.Expired;
            var expiresAt = status == ListingStatus.Expired ? listedAt.AddDays(7) : roll % 3 == 0 ? (DateTimeOffset?)null : Now.AddDays(random.Next(1, 365));
            var reason = reasons[random.Next(reasons.Length)];
            var source = sources[random.Next(sources.Length)];
            var times = random.Next(0, 4);
            yield return new Row(network, reason, $"Benchmark listing {i}: mail to spam traps from this host.", source, listedAt, expiresAt, status,
                status == ListingStatus.Active ? null : listedAt.AddDays(3), times);
        }
    }

    /// <summary>The i-th benchmark network: public IPv4 from 11.0.0.0 (every 20th a /28), every 50th an IPv6 /64.</summary>
    public static IpNetwork NetworkNumber(int i)
    {
        if (i % 50 == 0)
        {
            var bytes = new byte[16];
            BinaryPrimitives.WriteUInt64BigEndian(bytes, 0x2a01_4f80_0000_0000UL + (ulong)i);
            return new IpNetwork(new IPAddress(bytes), 64);
        }
        var v4 = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(v4, 0x0B00_0000u + (uint)i * 16);
        return new IpNetwork(new IPAddress(v4), i % 20 == 0 ? 28 : 32);
    }
}
