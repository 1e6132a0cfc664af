using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DelistPortal.Tests.Support;

/// <summary>A browser without JavaScript: keeps cookies, follows no redirects, posts the static forms with their antiforgery token.</summary>
public sealed partial class AdminHttpClient(PortalFactory factory) : IDisposable
{
    private readonly HttpClient _client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public Task<HttpResponseMessage> GetAsync(string path) => _client.GetAsync(path);

    public async Task<string> GetHtmlAsync(string path)
    {
        var response = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Opens the page, then posts its form (the named Blazor form handler) with these fields.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string path, string handler, IDictionary<string, string> fields)
    {
        var page = await GetHtmlAsync(path);
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token), ["_handler"] = handler };
        return await _client.PostAsync(path, new FormUrlEncodedContent(form));
    }

    public Task<HttpResponseMessage> SignInAsync(string userName, string password) =>
        SubmitAsync("/admin/signin", "signin", new Dictionary<string, string> { ["Input.UserName"] = userName, ["Input.Password"] = password });

    public Task<HttpResponseMessage> PostAsync(string path) => _client.PostAsync(path, new FormUrlEncodedContent([]));

    public Task<HttpResponseMessage> PostAsync(string path, HttpContent content) => _client.PostAsync(path, content);

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
