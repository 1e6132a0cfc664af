using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace DelistPortal.Tests.Support;

/// <summary>
/// Records every query EF sends, so that a test can ask SQLite how it runs them (EXPLAIN QUERY PLAN) with the same
/// parameters, and fail when one reads the listings or their history by walking the table.
/// </summary>
public sealed partial class QueryRecorder : DbCommandInterceptor
{
    private readonly List<RecordedQuery> _queries = [];

    public IReadOnlyList<RecordedQuery> Queries
    {
        get
        {
            lock (_queries)
            {
                return _queries.ToList();
            }
        }
    }

    public void Clear()
    {
        lock (_queries)
        {
            _queries.Clear();
        }
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Record(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return ValueTask.FromResult(result);
    }

    private void Record(DbCommand command)
    {
        if (!command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        var parameters = command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, p.Value)).ToList();
        lock (_queries)
        {
            _queries.Add(new RecordedQuery(command.CommandText, parameters));
        }
    }
}

public sealed record RecordedQuery(string Sql, IReadOnlyList<(string Name, object? Value)> Parameters);

public static partial class QueryPlan
{
    /// <summary>SQLite's plan for <paramref name="sql"/>, one line per step.</summary>
    public static async Task<IReadOnlyList<string>> ExplainAsync(string connectionString, string sql, IEnumerable<(string Name, object? Value)> parameters)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(3));
        }
        return lines;
    }

    public static Task<IReadOnlyList<string>> ExplainAsync(string connectionString, RecordedQuery query) =>
        ExplainAsync(connectionString, query.Sql, query.Parameters);

    /// <summary>
    /// PostgreSQL's plan for a grid query as <see cref="DelistPortal.Admin.ListingGridSql"/> adapts it, one line per step,
    /// after <paramref name="plannerSettings"/> (<c>SET enable_… = off</c>: a handful of test rows would make the planner
    /// scan anyway); with <paramref name="analyze"/>, run (EXPLAIN ANALYZE), so that the rows each step threw away show.
    /// </summary>
    internal static async Task<IReadOnlyList<string>> ExplainOnPostgreSqlAsync(TemporaryDatabase database, DelistPortal.Admin.ListingGridQuery.Sql query,
        string plannerSettings, bool analyze = false)
    {
        await using var db = database.CreateDbContext();
        var (text, parameters) = DelistPortal.Admin.ListingGridSql.For(db, query);
        await using var connection = new Npgsql.NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using (var settings = new Npgsql.NpgsqlCommand(plannerSettings, connection))
        {
            await settings.ExecuteNonQueryAsync();
        }
        await using var command = new Npgsql.NpgsqlCommand((analyze ? "EXPLAIN (ANALYZE, COSTS OFF) " : "EXPLAIN ") + text, connection);
        command.Parameters.AddRange(parameters);
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(0));
        }
        return plan;
    }

    /// <summary>
    /// The plan's steps that walk the listings or the history from end to end: "SCAN" of either table (or its
    /// alias) without an index. "SCAN … USING INDEX" walks an index in order and is reported by <see cref="SortSteps"/>'s
    /// callers separately where a page must not do it.
    /// </summary>
    public static IReadOnlyList<string> TableScans(string sql, IReadOnlyList<string> plan)
    {
        var names = new HashSet<string>(["Listings", "ListingEvents"], StringComparer.Ordinal);
        foreach (Match match in AliasPattern().Matches(sql))
        {
            names.Add(match.Groups["alias"].Value);
        }
        return plan.Where(line => ScanPattern().Match(line) is { Success: true } scan && names.Contains(scan.Groups["name"].Value)
                                  && !line.Contains(" USING ", StringComparison.Ordinal)).ToList();
    }

    /// <summary>Steps that walk a whole index of the listings (SCAN … USING [COVERING] INDEX).</summary>
    public static IReadOnlyList<string> IndexWalks(IReadOnlyList<string> plan) =>
        plan.Where(line => line.StartsWith("SCAN ", StringComparison.Ordinal) && line.Contains(" INDEX ", StringComparison.Ordinal)
                           && !line.Contains("VIRTUAL TABLE", StringComparison.Ordinal)).ToList();

    /// <summary>Steps that sort rows in a temporary B-tree.</summary>
    public static IReadOnlyList<string> SortSteps(IReadOnlyList<string> plan) =>
        plan.Where(line => line.Contains("TEMP B-TREE", StringComparison.Ordinal)).ToList();

    [GeneratedRegex("\"?(?:Listings|ListingEvents)\"? AS \"?(?<alias>\\w+)\"?")]
    private static partial Regex AliasPattern();

    [GeneratedRegex("^SCAN \"?(?<name>\\w+)\"?")]
    private static partial Regex ScanPattern();
}
