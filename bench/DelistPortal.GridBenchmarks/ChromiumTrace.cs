using System.Text.Json;
using Microsoft.Playwright;

/// <summary>
/// A Chromium performance trace over DevTools (Playwright .NET has no tracing API of its own), written as a JSON
/// file that chrome://tracing or Perfetto opens, and the page's JavaScript CPU profile beside it (.cpuprofile, which
/// DevTools opens).
/// </summary>
internal sealed class ChromiumTrace
{
    private readonly ICDPSession _session;
    private readonly List<JsonElement> _events = [];
    private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChromiumTrace(ICDPSession session)
    {
        _session = session;
        session.Event("Tracing.dataCollected").OnEvent += (_, data) =>
        {
            if (data is { } value)
            {
                lock (_events)
                {
                    _events.AddRange(value.GetProperty("value").EnumerateArray().Select(e => e.Clone()));
                }
            }
        };
        session.Event("Tracing.tracingComplete").OnEvent += (_, _) => _complete.TrySetResult();
    }

    public static async Task<ChromiumTrace> StartAsync(IBrowserContext context, IPage page)
    {
        var trace = new ChromiumTrace(await context.NewCDPSessionAsync(page));
        await trace._session.SendAsync("Tracing.start", new()
        {
            ["transferMode"] = "ReportEvents",
            ["traceConfig"] = new Dictionary<string, object>
            {
                ["includedCategories"] = new[] { "devtools.timeline", "disabled-by-default-devtools.timeline", "blink", "v8.execute", "toplevel", "loading" },
            },
        });
        await trace._session.SendAsync("Profiler.enable");
        await trace._session.SendAsync("Profiler.setSamplingInterval", new() { ["interval"] = 200 });
        await trace._session.SendAsync("Profiler.start");
        return trace;
    }

    public async Task StopAsync(string path)
    {
        var profile = (await _session.SendAsync("Profiler.stop"))!.Value.GetProperty("profile");
        await File.WriteAllTextAsync(Path.ChangeExtension(path, ".cpuprofile"), profile.GetRawText());
        await _session.SendAsync("Tracing.end");
        await _complete.Task.WaitAsync(TimeSpan.FromMinutes(1));
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, new { traceEvents = _events });
        await _session.DetachAsync();
    }
}
