using System.Diagnostics;
using DelistPortal.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DelistPortal.Tests.Support;

/// <summary>
/// The real PostgreSQL the tests run on. <c>./test.sh</c> starts a throwaway server and passes it in
/// <see cref="EnvironmentVariable"/> (a connection string to its <c>postgres</c> database); without it, the first test
/// that needs one starts its own (Debian's <c>initdb</c> and <c>pg_ctl</c>, as the <c>postgres</c> user when this
/// runs as root) in a temporary folder and stops and removes it when the test process exits. With no PostgreSQL
/// binaries at all the PostgreSQL tests fail with a message that says what to install: a silent skip would let the
/// providers drift.
/// Each test database is a copy of one migrated template (<c>CREATE DATABASE … TEMPLATE</c>), made in a few ms.
/// </summary>
public static class PostgreSqlServer
{
    public const string EnvironmentVariable = "DELISTPORTAL_TEST_POSTGRESQL";

    private static readonly Lazy<string> Server = new(StartOrFind, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<string> Template = new(CreateTemplate, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly SemaphoreSlim Creating = new(1, 1);

    /// <summary>Creates an empty, migrated database and returns its connection string.</summary>
    public static string CreateDatabase()
    {
        var template = Template.Value;
        var name = "test_" + Guid.NewGuid().ToString("N");
        // One copy at a time: PostgreSQL refuses to copy a template while another session is connected to it.
        Creating.Wait();
        try
        {
            Execute(Server.Value, $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"");
        }
        finally
        {
            Creating.Release();
        }
        return ConnectionStringFor(name);
    }

    public static void DropDatabase(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        Execute(Server.Value, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    /// <summary>A connection string to another database on the same server.</summary>
    public static string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(Server.Value) { Database = database }.ToString();

    private static string CreateTemplate()
    {
        // Per test process: the unit tests and the e2e tests may share one server at the same time.
        var name = $"template_{Environment.ProcessId}_{Guid.NewGuid():N}"[..40];
        var connectionString = ConnectionStringFor(name);
        Execute(Server.Value, $"CREATE DATABASE \"{name}\"");
        using (var db = PortalDbContext.Create(new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql(connectionString).Options, DatabaseProvider.PostgreSQL))
        {
            db.Database.Migrate();
        }
        // No session may stay connected to a template that is copied.
        NpgsqlConnection.ClearAllPools();
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 })
        {
            // A server of test.sh's (or the developer's) outlives this process: leave it as found. One of ours goes whole.
            AppDomain.CurrentDomain.ProcessExit += (_, _) => TryExecute(Server.Value, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
        return name;
    }

    private static string StartOrFind()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } given)
        {
            return given;
        }
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL tests need a PostgreSQL server: run ./test.sh (which starts one), set {EnvironmentVariable} to a " +
                "connection string of a server whose user may create databases, or install PostgreSQL (Debian: apt-get install postgresql).");
        }
        var folder = Directory.CreateTempSubdirectory("delistportal-postgresql-").FullName;
        var root = Environment.UserName == "root";
        var pgCtl = Path.Combine(bin, "pg_ctl");
        try
        {
            if (root)
            {
                Run("chown", "postgres", folder);
            }
            var port = FreePort.Tcp();
            Shell(root, $"{Path.Combine(bin, "initdb")} -D {folder}/data --auth=trust -U postgres --no-sync");
            Shell(root, $"{pgCtl} -D {folder}/data -l {folder}/log -w -o \"-c listen_addresses=127.0.0.1 -p {port} -k {folder} " +
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\" start");
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(root, pgCtl, folder);
            return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
        }
        catch
        {
            Stop(root, pgCtl, folder);
            throw;
        }
    }

    private static void Stop(bool root, string pgCtl, string folder) =>
        // One shell does both, so the folder goes even when the test host is ended right after it started the shell.
        // (The folder is the postgres user's when this runs as root: that user may remove it from /tmp.)
        Shell(root, $"{pgCtl} -D {folder}/data -m immediate -w stop >/dev/null 2>&1; rm -rf {folder}");

    /// <summary>A command line run by sh, as the postgres user when this runs as root (initdb refuses root).</summary>
    private static void Shell(bool root, string commandLine)
    {
        if (root)
        {
            Run("su", "postgres", "-s", "/bin/sh", "-c", "cd /tmp && " + commandLine);
        }
        else
        {
            Run("sh", "-c", commandLine);
        }
    }

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error}{output.Result}");
        }
    }

    private static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void TryExecute(string connectionString, string sql)
    {
        try
        {
            Execute(connectionString, sql);
        }
        catch (NpgsqlException)
        {
            // The server may already be gone at exit.
        }
    }
}
