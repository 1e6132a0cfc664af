using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

/// <summary>
/// Chromium's own counters of a page's renderer main thread (DevTools' Performance.getMetrics): the time in tasks, and
/// of it in script, style recalculation and layout, with the number of layouts and style recalculations.
/// </summary>
internal sealed class RendererCounters(ICDPSession session)
{
    public static async Task<RendererCounters> StartAsync(IBrowserContext context, IPage page)
    {
        var session = await context.NewCDPSessionAsync(page);
        await session.SendAsync("Performance.enable");
        return new RendererCounters(session);
    }

    public async Task<Sample> ReadAsync()
    {
        var metrics = (await session.SendAsync("Performance.getMetrics"))!.Value.GetProperty("metrics");
        double Value(string name) => metrics.EnumerateArray().First(m => m.GetProperty("name").GetString() == name).GetProperty("value").GetDouble();
        return new Sample(Value("TaskDuration") * 1000, Value("ScriptDuration") * 1000, Value("RecalcStyleDuration") * 1000,
            Value("LayoutDuration") * 1000, Value("LayoutCount"), Value("RecalcStyleCount"));
    }

    /// <summary>What the renderer did while nothing was asked of it.</summary>
    public async Task<Sample> IdleAsync(TimeSpan idle)
    {
        var before = await ReadAsync();
        await Task.Delay(idle);
        return (await ReadAsync()).Minus(before);
    }

    /// <summary>Milliseconds of the renderer's main thread, and counts.</summary>
    internal sealed record Sample(double TaskMs, double ScriptMs, double StyleMs, double LayoutMs, double Layouts, double StyleRecalcs)
    {
        public Sample Minus(Sample earlier) => new(TaskMs - earlier.TaskMs, ScriptMs - earlier.ScriptMs, StyleMs - earlier.StyleMs,
            LayoutMs - earlier.LayoutMs, Layouts - earlier.Layouts, StyleRecalcs - earlier.StyleRecalcs);

        public Sample Per(int tries) => new(TaskMs / tries, ScriptMs / tries, StyleMs / tries, LayoutMs / tries, Layouts / tries, StyleRecalcs / tries);

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"tasks {TaskMs:F1} ms (script {ScriptMs:F1}, style {StyleMs:F1} ×{StyleRecalcs:F1}, layout {LayoutMs:F1} ×{Layouts:F1})");
    }
}
