using System.Data.Common;
using System.Text.RegularExpressions;
using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DelistPortal.Admin;

/// <summary>
/// The grid's SQL (<see cref="ListingGridQuery"/>, written for SQLite's planner) as the database at hand runs it. On
/// PostgreSQL the SQLite planner hints go (<c>INDEXED BY</c>, the unary <c>+</c> that hides a column from SQLite's index
/// choice: PostgreSQL plans from statistics), parameters are named <c>@x</c>, the text walk is <c>ILIKE</c> (SQLite's
/// LIKE ignores ASCII case; with the pg_trgm GIN index PostgreSQL answers it from the index when it is selective), and
/// a subquery in FROM gets the alias PostgreSQL 15 requires. The trigram id lookup (<c>TextMode.Indexed</c>) is FTS5's
/// and never asked for on PostgreSQL (<see cref="PostgreSqlTextLookup"/>).
/// </summary>
internal static partial class ListingGridSql
{
    public static (string Text, DbParameter[] Parameters) For(PortalDbContext db, ListingGridQuery.Sql sql)
    {
        if (!db.Database.IsNpgsql())
        {
            return (sql.Text, [.. sql.Parameters]);
        }
        var text = IndexedBy().Replace(sql.Text, "");
        text = text.Replace("+l.\"", "l.\"", StringComparison.Ordinal)
            .Replace(" LIKE $", " ILIKE $", StringComparison.Ordinal)
            .Replace("LIMIT $cap)", "LIMIT $cap) AS capped", StringComparison.Ordinal);
        text = ParameterName().Replace(text, "@$1");
        return (text, [.. sql.Parameters.Select(p => new NpgsqlParameter(p.ParameterName.TrimStart('$'), p.Value))]);
    }

    [GeneratedRegex(@" INDEXED BY ""[^""]+""")]
    private static partial Regex IndexedBy();

    [GeneratedRegex(@"\$(\w+)")]
    private static partial Regex ParameterName();
}
