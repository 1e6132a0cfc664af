namespace DelistPortal.Api;

/// <summary>
/// Lets a call through only with a valid, unrevoked key that has the scope: <c>Authorization: Bearer &lt;key&gt;</c>
/// or <c>X-Api-Key: &lt;key&gt;</c>. 401 without a (good) key, 403 for a revoked key or a missing scope.
/// </summary>
internal sealed class ApiKeyFilter(string scope) : IEndpointFilter
{
    public const string HeaderName = "X-Api-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var keys = http.RequestServices.GetRequiredService<ApiKeyService>();
        var verification = await keys.VerifyAsync(Presented(http.Request), scope, http.RequestAborted);
        switch (verification.Check)
        {
            case ApiKeyCheck.Valid:
                http.Items[typeof(ApiKey)] = verification.Key;
                return await next(context);
            case ApiKeyCheck.Missing or ApiKeyCheck.Invalid:
                http.Response.Headers.WWWAuthenticate = "Bearer";
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status401Unauthorized,
                    title: verification.Check == ApiKeyCheck.Missing ? "An API key is required." : "The API key is not valid.",
                    detail: $"Send the key as 'Authorization: Bearer <key>' or '{HeaderName}: <key>'. An admin creates keys in the admin area.");
            case ApiKeyCheck.Revoked:
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The API key has been revoked.");
            default:
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: $"The API key does not have the scope '{scope}'.");
        }
    }

    public static ApiKey KeyOf(HttpContext http) => (ApiKey)http.Items[typeof(ApiKey)]!;

    private static string? Presented(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..];
        }
        return request.Headers[HeaderName].FirstOrDefault();
    }
}
