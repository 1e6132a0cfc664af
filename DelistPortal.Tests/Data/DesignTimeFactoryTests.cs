using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace DelistPortal.Tests.Data;

/// <summary>
/// <c>dotnet ef --context X</c> takes the first class of the assembly whose interface is assignable to
/// <c>IDesignTimeDbContextFactory&lt;X&gt;</c>, and the interface is covariant: a PostgreSQL-only factory answered for
/// PortalDbContext too, and the README's SQLite command wrote a PostgreSQL migration.
/// </summary>
public sealed class DesignTimeFactoryTests
{
    [Fact]
    public void TheSqliteContextOfDotnetEfIsSqlite()
    {
        using var db = DesignTimeContext<PortalDbContext>();

        Assert.Equal(typeof(PortalDbContext), db.GetType());
        Assert.True(db.Database.IsSqlite());
    }

    [Fact]
    public void ThePostgreSqlContextOfDotnetEfIsPostgreSql()
    {
        using var db = DesignTimeContext<PostgreSqlPortalDbContext>();

        Assert.Equal(typeof(PostgreSqlPortalDbContext), db.GetType());
        Assert.True(db.Database.IsNpgsql());
    }

    /// <summary>The context EF's design-time lookup makes for <typeparamref name="TContext"/>: the first matching factory's.</summary>
    private static TContext DesignTimeContext<TContext>() where TContext : DbContext
    {
        var factory = typeof(PortalDbContext).Assembly.GetTypes()
            .First(t => t is { IsClass: true, IsAbstract: false } && t.IsAssignableTo(typeof(IDesignTimeDbContextFactory<TContext>)));
        return ((IDesignTimeDbContextFactory<TContext>)Activator.CreateInstance(factory)!).CreateDbContext([]);
    }
}
