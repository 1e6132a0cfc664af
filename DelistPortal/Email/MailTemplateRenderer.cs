using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace DelistPortal.Email;

/// <summary>Renders a mail template (a Razor component) to an HTML string with the framework's <see cref="HtmlRenderer"/>.</summary>
public sealed class MailTemplateRenderer(IServiceProvider services, ILoggerFactory loggerFactory)
{
    public async Task<string> RenderAsync<TTemplate>(IDictionary<string, object?> parameters) where TTemplate : IComponent
    {
        await using var renderer = new HtmlRenderer(services, loggerFactory);
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<TTemplate>(ParameterView.FromDictionary(parameters));
            return output.ToHtmlString();
        });
    }
}
