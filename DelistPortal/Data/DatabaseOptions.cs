using System.ComponentModel.DataAnnotations;

namespace DelistPortal.Data;

/// <summary>Which database engine holds the portal's data.</summary>
public enum DatabaseProvider
{
    /// <summary>One file beside the portal: the embedded default, one host.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server shared by several portal hosts (ConnectionStrings:Portal).</summary>
    PostgreSQL,
}

/// <summary>
/// <c>Database:Provider</c> and <c>ConnectionStrings:Portal</c>. No configuration at all is SQLite in the data folder;
/// PostgreSQL needs a connection string, and the start stops naming the key when it is missing.
/// </summary>
public sealed class DatabaseOptions : IValidatableObject
{
    public const string Section = "Database";

    [EnumDataType(typeof(DatabaseProvider))]
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>ConnectionStrings:Portal (bound from there, not from this section).</summary>
    public string? ConnectionString { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == DatabaseProvider.PostgreSQL && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult(
                $"ConnectionStrings:Portal must name the PostgreSQL database when {Section}:{nameof(Provider)} is {DatabaseProvider.PostgreSQL}.",
                [nameof(ConnectionString)]);
        }
    }
}
