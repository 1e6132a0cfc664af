using Deque.AxeCore.Commons;
using Microsoft.Playwright;

namespace DelistPortal.EndToEnd.Support;

/// <summary>
/// axe-core on a page as it is now, at WCAG 2.2 level AA. No rule is switched off. axe runs in the page itself: the
/// Playwright wrapper re-injected its 600 KB script on every call and finished each run in a second blank page, which
/// made a check take 2-5 s instead of the 0.1-0.5 s the rules need (the admin axe tests alone took 6 of CI's 17 minutes).
/// </summary>
public static class Accessibility
{
    // Wrapped as a function so Playwright evaluates it through the debugger protocol, which the page's CSP does not block.
    private static readonly string InjectAxe = "() => " + new BundledAxeScriptProvider().GetScript();

    private const string RunAxe = """
        async exclude => {
            const result = await axe.run(exclude.length === 0 ? document : { exclude }, {
                runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
                resultTypes: ["violations"],
            });
            return result.violations.map(v => `${v.id} (${v.impact}): ${v.help}\n` + v.nodes.map(n =>
                `    ${n.target.join(" ")}: ${n.html} ${[...n.any, ...n.all, ...n.none].map(c => c.message).join("; ")}`).join("\n")).join("\n");
        }
        """;

    /// <param name="exclude">CSS selectors axe skips; each caller says why.</param>
    public static async Task AssertNoViolationsAsync(IPage page, string where, params string[] exclude)
    {
        var report = await ViolationsAsync(page, exclude);
        Assert.True(report.Length == 0, $"axe found violations on {where} ({page.Url}):\n{report}");
    }

    /// <summary>What axe-core finds on the page, one rule and its elements per paragraph; empty when nothing.</summary>
    public static async Task<string> ViolationsAsync(IPage page, params string[] exclude)
    {
        // Wait for MudBlazor's transitions (expansion panels, alerts) to settle: axe reads colours as painted.
        await page.EvaluateAsync("""
            () => Promise.race([
                Promise.all(document.getAnimations()
                    .filter(a => a.playState === "running" && a.effect?.getTiming().iterations !== Infinity)
                    .map(a => a.finished.catch(() => {}))),
                new Promise(resolve => setTimeout(resolve, 2000))])
            """);
        // Once per document: Blazor's navigations keep the window, a full load starts a new one.
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe?.run === 'function'"))
        {
            await page.EvaluateAsync(InjectAxe);
        }
        return await page.EvaluateAsync<string>(RunAxe, exclude);
    }
}
