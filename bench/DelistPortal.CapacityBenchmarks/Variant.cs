namespace DelistPortal.CapacityBenchmarks;

/// <summary>A way to run the portal: extra command-line settings and environment variables (GC knobs are the latter).</summary>
public sealed record Variant(string Name, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>The settings compared in docs/benchmarks-capacity.md; each changes one thing against "shipped".</summary>
    public static IReadOnlyList<Variant> Catalog { get; } =
    [
        new("shipped", [], new Dictionary<string, string>()),
        new("server-gc", [], new Dictionary<string, string> { ["DOTNET_gcServer"] = "1" }),
        new("workstation-gc", [], new Dictionary<string, string> { ["DOTNET_gcServer"] = "0" }),
        new("workstation-nonconcurrent", [], new Dictionary<string, string> { ["DOTNET_gcServer"] = "0", ["DOTNET_gcConcurrent"] = "0" }),
        new("server-gc-no-datas", [], new Dictionary<string, string> { ["DOTNET_gcServer"] = "1", ["DOTNET_GCDynamicAdaptationMode"] = "0" }),
        new("conserve-memory", [], new Dictionary<string, string> { ["DOTNET_GCConserveMemory"] = "7" }),
        // Hexadecimal, as the runtime reads GC settings from the environment: 4 MB.
        new("gen0-4mb", [], new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "400000" }),
        new("render-batches-2", ["--Circuits:MaxBufferedUnacknowledgedRenderBatches", "2"], new Dictionary<string, string>()),
        new("disconnected-retained-0", ["--Circuits:DisconnectedCircuitMaxRetained", "0"], new Dictionary<string, string>()),
    ];

    public static Variant Named(string name) =>
        Catalog.FirstOrDefault(v => v.Name == name) ?? throw new ArgumentException($"No variant '{name}'; there are: {string.Join(", ", Catalog.Select(v => v.Name))}");

    public Variant With(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment) => this with
    {
        Arguments = [.. Arguments, .. arguments],
        Environment = Environment.Concat(environment).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value),
    };

    public string Describe() => Arguments.Count == 0 && Environment.Count == 0
        ? "the portal's defaults"
        : string.Join(" ", Environment.Select(e => $"{e.Key}={e.Value}").Concat(Arguments));
}
