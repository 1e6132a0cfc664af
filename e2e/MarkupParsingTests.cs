using DelistPortal.EndToEnd.Support;

namespace DelistPortal.EndToEnd;

/// <summary>
/// The portal's shortcut for the markup Blazor inserts (wwwroot/markup-parsing.js), in Chromium: whitespace and SVG
/// icons, first and again from the cache, give exactly the nodes of the browser's own parser, and other markup still
/// goes to the parser.
/// </summary>
public sealed class MarkupParsingTests(PortalUnderTest portal) : IClassFixture<PortalUnderTest>
{
    [Fact]
    public async Task TheShortcutGivesTheParsersNodes()
    {
        await using var context = await portal.Browser.NewContextAsync();
        var page = await portal.OpenAsync(context, "/");

        var problems = await page.EvaluateAsync<string[]>("""
            () => {
                const parser = Object.getOwnPropertyDescriptor(Element.prototype, "innerHTML").set;
                const problems = [];
                for (const prototype of [HTMLTemplateElement.prototype, SVGGElement.prototype]) {
                    if (!Object.getOwnPropertyDescriptor(prototype, "innerHTML")) {
                        problems.push(`no shortcut on ${prototype.constructor.name}`);
                    }
                }
                const template = () => document.createElement("template");
                const group = () => document.createElementNS("http://www.w3.org/2000/svg", "g");
                const nodesOf = element => element instanceof HTMLTemplateElement ? element.content : element;
                const check = (make, markup, what) => {
                    // Twice: the second time an icon comes from the cache.
                    for (const time of ["first", "second"]) {
                        const shortcut = make();
                        shortcut.innerHTML = markup;
                        const parsed = make();
                        parser.call(parsed, markup);
                        if (nodesOf(parsed).childNodes.length === 0 || !nodesOf(shortcut).isEqualNode(nodesOf(parsed))) {
                            problems.push(`${what}, ${time} time: ${shortcut.innerHTML} instead of ${parsed.innerHTML}`);
                        }
                    }
                };
                check(template, "\n        ", "whitespace");
                check(template, "<b>bold</b> and <wbr>text", "markup");
                check(group, '<path d="M0 0h24v24H0z" fill="none"/><path d="M10 6L8.59 7.41 13.17 12z"/>', "an icon");
                return problems;
            }
            """);

        Assert.Empty(problems);
    }
}
