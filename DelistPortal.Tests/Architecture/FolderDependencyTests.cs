using DelistPortal.Hosting;

namespace DelistPortal.Tests.Architecture;

/// <summary>
/// Which folder of the portal may use which (the README's "How it is built" says the same). A use that is not in
/// <see cref="Allowed"/> fails, and so does a cycle.
/// </summary>
public sealed class FolderDependencyTests
{
    /// <summary>
    /// Each folder and every folder it may use, and no more: a folder missing here, or a use missing from its list,
    /// fails. Portal/ (what several features share) and Resources/ (the strings) use no folder. Hosting/ (with
    /// Program.cs, "(root)") is the composition root: it uses every folder, and no folder uses it. Data/ uses no
    /// feature: each feature declares its own tables (sets and configurations); the migrations, which run the features'
    /// SQL, are a folder of their own that no folder uses (<see cref="FolderGraph.Migrations"/>).
    /// </summary>
    internal static readonly Dictionary<string, string[]> Allowed = new()
    {
        [FolderGraph.Root] = ["Hosting"],
        ["Hosting"] = ["Admin", "Api", "Blocklist", "ChangeLog", "Components", "Data", "Delisting", "Dnsbl", "Email", "Metrics", "Portal", "Resources"],
        ["Components"] = ["Admin", "Api", "Blocklist", "Delisting", "Email", "Portal", "Resources"],
        ["Admin"] = ["Api", "Blocklist", "ChangeLog", "Data", "Delisting", "Dnsbl", "Email", "Portal", "Resources"],
        ["Metrics"] = ["Blocklist", "ChangeLog", "Data", "Email", "Portal"],
        ["Api"] = ["Blocklist", "Data", "Dnsbl", "Portal", "Resources"],
        ["Dnsbl"] = ["Blocklist", "Data", "Portal", "Resources"],
        ["Delisting"] = ["Blocklist", "Data", "Email", "Portal", "Resources"],
        ["Email"] = ["ChangeLog", "Data", "Portal"],
        ["Blocklist"] = ["ChangeLog", "Data", "Portal"],
        ["ChangeLog"] = ["Data"],
        ["Data"] = ["Portal"],
        [FolderGraph.Migrations] = ["Blocklist", "ChangeLog", "Data"],
        ["Portal"] = [],
        ["Resources"] = [],
    };

    private static readonly Lazy<FolderGraph> Graph = new(() =>
        FolderGraph.Read(typeof(PortalHostingExtensions).Assembly, SourceDirectory()));

    [Fact]
    public void EveryFolderHasAPlaceInTheTable()
    {
        Assert.All(Graph.Value.Folders, f => Assert.True(Allowed.ContainsKey(f), $"{f}/ is not in the table: say which folders it may use."));
    }

    [Fact]
    public void EveryUseOfAnotherFolderIsAllowed()
    {
        var forbidden = Graph.Value.Edges
            .Where(e => !Allowed.TryGetValue(e.Key.From, out var allowed) || !allowed.Contains(e.Key.To))
            .Select(e => $"{e.Key.From} -> {e.Key.To}: {string.Join("; ", e.Value)}")
            .Order()
            .ToList();

        Assert.True(forbidden.Count == 0, "Uses the table does not allow:\n" + string.Join("\n", forbidden));
    }

    [Fact]
    public void TheTableAllowsNoUseTheCodeDoesNotMake()
    {
        // Keeps the table (and the README's copy of it) exact, and shows that the reading finds the uses it should.
        var unused = Allowed
            .SelectMany(a => a.Value.Select(to => (From: a.Key, To: to)))
            .Where(e => !Graph.Value.Edges.ContainsKey(e))
            .Select(e => $"{e.From} -> {e.To}")
            .ToList();

        Assert.True(unused.Count == 0, "Allowed but not used (remove from the table and the README):\n" + string.Join("\n", unused));
    }

    [Fact]
    public void NoFoldersUseEachOtherInACycle()
    {
        Assert.Null(FindCycle(Graph.Value.Edges.Keys.ToList()));
        Assert.Null(FindCycle(Allowed.SelectMany(a => a.Value.Select(to => (a.Key, to))).ToList()));
    }

    [Fact]
    public void TheCycleSearchFindsACycleAndOnlyACycle()
    {
        // The portal has no cycle left to show that the search finds one, so a made-up graph does.
        Assert.Equal("Blocklist -> ChangeLog -> Data -> Blocklist", FindCycle([("Portal", "Data"), ("Data", "Blocklist"), ("Blocklist", "ChangeLog"), ("ChangeLog", "Data")]));
        Assert.Null(FindCycle([("Blocklist", "Data"), ("Blocklist", "ChangeLog"), ("ChangeLog", "Data")]));
    }

    /// <summary>One cycle as "A -> B -> A", or null.</summary>
    internal static string? FindCycle(IReadOnlyList<(string From, string To)> edges)
    {
        var next = edges.ToLookup(e => e.From, e => e.To);
        var done = new HashSet<string>();
        var path = new List<string>();

        string? Visit(string folder)
        {
            var onPath = path.IndexOf(folder);
            if (onPath >= 0)
            {
                return string.Join(" -> ", path.Skip(onPath).Append(folder));
            }
            if (!done.Add(folder))
            {
                return null;
            }
            path.Add(folder);
            foreach (var to in next[folder].Order())
            {
                if (Visit(to) is { } cycle)
                {
                    return cycle;
                }
            }
            path.RemoveAt(path.Count - 1);
            return null;
        }

        return edges.Select(e => e.From).Distinct().Order().Select(Visit).FirstOrDefault(c => c is not null);
    }

    private static string SourceDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "DelistPortal.sln")))
            {
                return Path.Combine(directory.FullName, "DelistPortal");
            }
        }
        throw new InvalidOperationException($"DelistPortal.sln was not found above {AppContext.BaseDirectory}.");
    }
}
