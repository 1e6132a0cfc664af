using System.Data.Common;
using DelistPortal.Admin;
using DelistPortal.Data;
using DelistPortal.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace DelistPortal.Tests.Admin;

/// <summary>
/// The roles' seeding when several hosts start together. Runs on SQLite; <see cref="FirstAdminSetupOnPostgreSqlTests"/>
/// runs the same tests on PostgreSQL.
/// </summary>
public class FirstAdminSetupTests : IDisposable
{
    private readonly RoleInsertGate _gate = new();
    private readonly DelistingHarness _harness;

    public FirstAdminSetupTests()
        : this(DatabaseProvider.Sqlite)
    {
    }

    protected FirstAdminSetupTests(DatabaseProvider provider) => _harness = new(provider, _gate);

    public void Dispose()
    {
        _harness.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task ARoleAnotherHostCreatesBetweenTheLookAndTheInsertIsNoError()
    {
        using var host = _harness.BuildAdminProvider();
        using var other = _harness.BuildAdminProvider();
        // As this host inserts the first role, another host that started at the same time has just inserted it.
        _gate.Before = async () =>
        {
            using var scope = other.CreateScope();
            Assert.True((await scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>().CreateAsync(new IdentityRole(AdminRoles.Admin))).Succeeded);
        };

        await host.GetRequiredService<FirstAdminSetup>().AnnounceIfNeededAsync();

        Assert.True(_gate.Ran);
        await AssertEachRoleOnceAsync();
    }

    [Fact]
    public async Task HostsStartingTogetherSeedTheRolesWithoutError()
    {
        var hosts = Enumerable.Range(0, 6).Select(_ => _harness.BuildAdminProvider()).ToList();
        try
        {
            using var start = new Barrier(hosts.Count);
            await Task.WhenAll(hosts.Select(host => Task.Run(async () =>
            {
                start.SignalAndWait();
                await host.GetRequiredService<FirstAdminSetup>().AnnounceIfNeededAsync();
            })));
        }
        finally
        {
            hosts.ForEach(h => h.Dispose());
        }
        await AssertEachRoleOnceAsync();
    }

    private async Task AssertEachRoleOnceAsync()
    {
        await using var db = _harness.Database.CreateDbContext();
        Assert.Equal(AdminRoles.All.Order(), (await db.Set<IdentityRole>().Select(r => r.Name!).ToListAsync()).Order());
    }

    /// <summary>Runs <see cref="Before"/> once, before the first statement that inserts a role.</summary>
    private sealed class RoleInsertGate : DbCommandInterceptor
    {
        private int _ran;

        public Func<Task>? Before { get; set; }

        public bool Ran => _ran == 1;

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            await RunOnceAsync(command);
            return result;
        }

        public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            await RunOnceAsync(command);
            return result;
        }

        private async Task RunOnceAsync(DbCommand command)
        {
            if (Before is { } before && command.CommandText.Contains("INSERT INTO \"AspNetRoles\"", StringComparison.Ordinal)
                && Interlocked.Exchange(ref _ran, 1) == 0)
            {
                await before();
            }
        }
    }
}

/// <summary>The same tests on the real PostgreSQL server.</summary>
public sealed class FirstAdminSetupOnPostgreSqlTests() : FirstAdminSetupTests(DatabaseProvider.PostgreSQL);
