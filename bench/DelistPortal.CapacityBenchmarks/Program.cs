using System.Globalization;

namespace DelistPortal.CapacityBenchmarks;

// How many senders one host holds (docs/benchmarks-capacity.md). Build the portal in Release first; the portal runs as
// its own process, from DelistPortal/bin/Release, on a new data folder each run.
//
//   dotnet build -c Release DelistPortal.sln
//   dotnet run -c Release --no-build --project bench/DelistPortal.CapacityBenchmarks -- idle \
//       [--circuits 100,1000,5000] [--variant shipped --variant workstation-gc ...] [--rounds 1] [--settle 10] [--hold 60]
//   dotnet run -c Release --no-build --project bench/DelistPortal.CapacityBenchmarks -- senders \
//       [--senders 50] [--seconds 180] [--listings 20000] [--variant shipped]
//
// --portal-arg KEY=VALUE and --portal-env NAME=VALUE add a portal setting or environment variable to every variant;
// --portal PATH/DelistPortal.dll runs another build (a copy of the one before a change, to compare).
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("idle" or "senders"))
        {
            Console.Error.WriteLine("Usage: idle [--circuits 100,1000,5000] [--variant NAME]... [--rounds N] [--settle S] [--hold S] | senders [--senders K] [--seconds S] [--listings N] [--variant NAME]");
            Console.Error.WriteLine($"Variants: {string.Join(", ", Variant.Catalog.Select(v => v.Name))}");
            return 2;
        }
        var options = Parse(args.Skip(1).ToArray());
        var extraArguments = options.GetValueOrDefault("portal-arg", []).SelectMany(a => a.Split('=', 2) is [var key, var value] ? new[] { "--" + key.TrimStart('-'), value } : throw new ArgumentException($"--portal-arg {a}: KEY=VALUE")).ToList();
        var extraEnvironment = options.GetValueOrDefault("portal-env", []).Select(e => e.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var variants = options.GetValueOrDefault("variant", ["shipped"]).Select(name => Variant.Named(name).With(extraArguments, extraEnvironment)).ToList();
        PortalProcess.PortalDllOverride = options.TryGetValue("portal", out var portal) ? Path.GetFullPath(portal[^1]) : null;
        var dataRoot = Single(options, "data", Path.Combine(Path.GetTempPath(), "delistportal-capacity"));
        Directory.CreateDirectory(dataRoot);

        Console.WriteLine($"{DateTime.UtcNow:u}, {Environment.ProcessorCount} cores, load average {LoadAverage()}, {File.ReadLines("/proc/meminfo").First().Trim()}");
        if (args[0] == "idle")
        {
            await IdleCircuitsBench.RunAsync(new IdleCircuitsBench.Options(
                dataRoot,
                Single(options, "circuits", "100,1000,5000").Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToList(),
                variants,
                int.Parse(Single(options, "rounds", "1"), CultureInfo.InvariantCulture),
                TimeSpan.FromSeconds(double.Parse(Single(options, "settle", "10"), CultureInfo.InvariantCulture)),
                TimeSpan.FromSeconds(double.Parse(Single(options, "hold", "60"), CultureInfo.InvariantCulture))));
        }
        else
        {
            foreach (var variant in variants)
            {
                await SendersBench.RunAsync(new SendersBench.Options(
                    dataRoot,
                    int.Parse(Single(options, "senders", "50"), CultureInfo.InvariantCulture),
                    TimeSpan.FromSeconds(double.Parse(Single(options, "seconds", "180"), CultureInfo.InvariantCulture)),
                    int.Parse(Single(options, "listings", "20000"), CultureInfo.InvariantCulture),
                    variant));
            }
        }
        return 0;
    }

    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    public static double Percentile(double[] values, double p)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    private static Dictionary<string, List<string>> Parse(string[] args)
    {
        var options = new Dictionary<string, List<string>>();
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected --name value at '{args[i]}'");
            }
            var name = args[i][2..];
            if (!options.TryGetValue(name, out var values))
            {
                options[name] = values = [];
            }
            values.Add(args[i + 1]);
        }
        return options;
    }

    private static string Single(Dictionary<string, List<string>> options, string name, string fallback) =>
        options.TryGetValue(name, out var values) ? values[^1] : fallback;
}
