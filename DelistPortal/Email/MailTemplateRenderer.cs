using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace DelistPortal.Email;

/// <summary>Renders a mail template (a Razor component) to an HTML string with the framework's <see cref="HtmlRenderer"/>.</summary>
public sealed class MailTemplateRenderer(IServiceProvider services, ILoggerFactory loggerFactory)
{
    public async Task<string> RenderAsync<TTemplate>(IDictionary<string, object?> parameters) where TTemplate : IComponent
    {
        // A scope of its own: the renderer resolves scoped services (cascading value suppliers) like a page would.
        await using var scope = services.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, loggerFactory);
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<TTemplate>(ParameterView.FromDictionary(parameters));
            return output.ToHtmlString();
        });
    }
}
