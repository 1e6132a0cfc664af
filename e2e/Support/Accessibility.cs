using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace DelistPortal.EndToEnd.Support;

/// <summary>axe-core on a page as it is now, at WCAG 2.2 level AA. No rule is switched off.</summary>
public static class Accessibility
{
    private static readonly AxeRunOptions WcagAA = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
        ResultTypes = [ResultType.Violations],
    };

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
        var result = exclude.Length == 0
            ? await page.RunAxe(WcagAA)
            : await page.RunAxe(new AxeRunContext { Exclude = [.. exclude.Select(e => new AxeSelector(e))] }, WcagAA);
        return string.Join("\n", result.Violations.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help}\n" + string.Join("\n", v.Nodes.Select(n => $"    {n.Target}: {n.Html} {string.Join("; ", n.Any.Concat(n.All).Concat(n.None).Select(c => c.Message))}"))));
    }
}
