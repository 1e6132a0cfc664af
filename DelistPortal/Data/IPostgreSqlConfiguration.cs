namespace DelistPortal.Data;

/// <summary>
/// Marks an <c>IEntityTypeConfiguration</c> that holds a feature's mapping differences on PostgreSQL: only
/// <see cref="PostgreSqlPortalDbContext"/> applies it, after every other configuration; SQLite's context skips it.
/// </summary>
public interface IPostgreSqlConfiguration
{
    /// <summary>Whether <paramref name="type"/> is such a configuration (the filter of both contexts' assembly scan).</summary>
    static bool Marks(Type type) => type.IsAssignableTo(typeof(IPostgreSqlConfiguration));
}
