// Blazor puts every MarkupString, and every static HTML block of a compiled component, into the page by setting
// innerHTML on one shared <template> (or, inside an SVG, <g>) and moving the parsed nodes where they belong. Each set
// starts the HTML parser, and one page of the listings grid set it 450 times per render: MudDataGrid's whitespace
// between cells (11 per row), MudBlazor's SVG icons (4 per row), the networks. Whitespace needs no parser, and an
// icon's markup is always the same: it is parsed once and cloned after that (a sort's script time in Chromium went
// from 27-39 to 20-27 ms; docs/benchmarks-admin.md). The nodes are the parser's; anything else still goes to it.
(() => {
    const innerHtml = Object.getOwnPropertyDescriptor(Element.prototype, "innerHTML");
    const shortcut = (prototype, tryFastPath) => Object.defineProperty(prototype, "innerHTML", {
        configurable: true,
        enumerable: innerHtml.enumerable,
        get() { return innerHtml.get.call(this); },
        set(markup) {
            if (!tryFastPath(this, markup)) {
                innerHtml.set.call(this, markup);
            }
        },
    });

    const onlyWhitespace = /^[ \t\n\f\r]+$/;
    shortcut(HTMLTemplateElement.prototype, (template, markup) => {
        if (typeof markup !== "string" || !onlyWhitespace.test(markup)) {
            return false;
        }
        template.content.replaceChildren(document.createTextNode(markup));
        return true;
    });

    const parsedSvg = new Map();
    shortcut(SVGGElement.prototype, (group, markup) => {
        if (typeof markup !== "string" || markup.length > 8192) {
            return false;
        }
        const parsed = parsedSvg.get(markup);
        if (parsed === undefined) {
            innerHtml.set.call(group, markup);
            if (parsedSvg.size < 1000) {
                parsedSvg.set(markup, [...group.childNodes].map(node => node.cloneNode(true)));
            }
        } else {
            group.replaceChildren(...parsed.map(node => node.cloneNode(true)));
        }
        return true;
    });
})();
