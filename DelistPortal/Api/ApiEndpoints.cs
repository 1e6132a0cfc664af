using System.Globalization;
using System.Threading.RateLimiting;
using DelistPortal.Blocklist;
using DelistPortal.Dnsbl;
using DelistPortal.Portal;
using DelistPortal.Resources;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace DelistPortal.Api;

/// <summary>The HTTP API, version 1: a public look-up, and listing changes and zone downloads with an API key.</summary>
public static class ApiEndpoints
{
    public const string LookupPolicy = "lookup";

    public static IServiceCollection AddPortalApi(this IServiceCollection services)
    {
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ApiKeyService>();
        services.AddProblemDetails();
        // Reasons and sources as their names ("Spam"), which is what clients send and read.
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddOpenApi();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(LookupPolicy, http =>
            {
                var options = http.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(
                    http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = options.LookupPermitLimit, Window = options.LookupWindow, QueueLimit = 0 });
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var seconds = (int)Math.Ceiling(Math.Max(1, retryAfter.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await TypedResults.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many look-ups.",
                    detail: $"Try again in {seconds} s. Mail servers should query the DNSBL instead.").ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }

    public static WebApplication MapPortalApi(this WebApplication app)
    {
        app.MapOpenApi();
        var api = app.MapGroup("/api/v1").WithTags("DelistPortal API");

        api.MapGet("/lookup/{ip}", LookupAsync)
            .RequireRateLimiting(LookupPolicy)
            .WithName("Lookup")
            .WithSummary("Is this address listed? Public, rate limited per client address.");

        var listings = api.MapGroup("/listings").AddEndpointFilter(new ApiKeyFilter(ApiScopes.ListingsWrite));
        listings.MapPost("", ListAsync)
            .WithName("AddListing")
            .WithSummary($"Lists an address or range. Needs a key with the '{ApiScopes.ListingsWrite}' scope.");
        listings.MapDelete("/{**network}", DelistAsync)
            .WithName("RemoveListing")
            .WithSummary($"Removes the active listing of exactly this network (e.g. /api/v1/listings/198.51.100.0/24). Needs '{ApiScopes.ListingsWrite}'.");

        api.MapGet("/zone/{format}", ZoneAsync)
            .AddEndpointFilter(new ApiKeyFilter(ApiScopes.ZoneRead))
            .WithName("ExportZone")
            .WithSummary($"The active listings as an rbldnsd data file: format 'ip4set' or 'ip6trie'. Needs '{ApiScopes.ZoneRead}'.");
        return app;
    }

    private static async Task<Results<Ok<LookupResponse>, ProblemHttpResult>> LookupAsync(
        string ip, BlocklistService blocklist, IOptions<PortalOptions> portal, IStringLocalizer<Strings> strings, CancellationToken cancellationToken)
    {
        var parsed = IpAddressInput.Parse(ip);
        if (!parsed.IsValid)
        {
            return Invalid("ip", strings, parsed.Error);
        }
        var address = parsed.Address!;
        var link = new Uri(portal.Value.GetPublicBaseUri(), "?ip=" + Uri.EscapeDataString(address.ToString()));
        // The most specific entry decides, as at the DNSBL: an address freed from a range by an exception is not listed.
        var listing = (await blocklist.ListingsThatListAsync(address, cancellationToken)).FirstOrDefault();
        return TypedResults.Ok(listing is null
            ? new LookupResponse(address.ToString(), false, null, null, null, null, null, null, link)
            : new LookupResponse(address.ToString(), true, listing.Network, listing.Reason, listing.Detail, listing.ListedAt, listing.ExpiresAt, listing.SelfServiceAllowed, link));
    }

    private static async Task<Results<Created<ListingResponse>, ValidationProblem, ProblemHttpResult>> ListAsync(
        NewListingRequest request, HttpContext http, BlocklistService blocklist, IStringLocalizer<Strings> strings, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var network = IpNetworkInput.Parse(request.Network);
        if (!network.IsValid)
        {
            errors["network"] = [IpMessage(strings, network.Error) + (network.Suggestion is { } s ? $" Did you mean {s}?" : "")];
        }
        ListingReason reason = default;
        if (!Enum.TryParse(request.Reason, ignoreCase: true, out reason) || !Enum.IsDefined(reason) || int.TryParse(request.Reason, out _))
        {
            errors["reason"] = [$"Use one of {string.Join(", ", Enum.GetNames<ListingReason>())}."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var draft = new ListingDraft(network.Network!.Value, reason, request.Detail ?? "", ListingSource.Api)
        {
            ExpiresAt = request.ExpiresAt,
            Permanent = request.Permanent,
            SelfServiceAllowed = request.SelfServiceAllowed,
            Evidence = request.Evidence ?? new ListingEvidence(),
        };
        var key = ApiKeyFilter.KeyOf(http);
        var result = await blocklist.ListAsync(draft, Actor.ApiKey(key.Name), http.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        return result.Outcome switch
        {
            ChangeOutcome.Done => TypedResults.Created($"/api/v1/listings/{result.Listing!.Network}", ListingResponse.From(result.Listing)),
            ChangeOutcome.AlreadyListed => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: $"{draft.Network} is already listed.", extensions: new Dictionary<string, object?> { ["listingId"] = result.Listing?.Id }),
            _ => TypedResults.ValidationProblem(new Dictionary<string, string[]> { [DraftField(result.Error)] = [DraftMessage(result.Error)] }),
        };
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DelistAsync(
        string network, string? reason, HttpContext http, BlocklistService blocklist, IStringLocalizer<Strings> strings, CancellationToken cancellationToken)
    {
        var parsed = IpNetworkInput.Parse(Uri.UnescapeDataString(network));
        if (!parsed.IsValid)
        {
            return Invalid("network", strings, parsed.Error, parsed.Suggestion);
        }
        var key = ApiKeyFilter.KeyOf(http);
        var result = await blocklist.DelistNetworkAsync(parsed.Network!.Value, Actor.ApiKey(key.Name),
            string.IsNullOrWhiteSpace(reason) ? "Removed through the API" : reason, http.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        return result.Outcome switch
        {
            ChangeOutcome.Done => TypedResults.NoContent(),
            ChangeOutcome.NotFound or ChangeOutcome.NotActive => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"{parsed.Network} is not listed."),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The listing changed meanwhile; try again."),
        };
    }

    private static async Task<IResult> ZoneAsync(string format, HttpContext http, RbldnsdZoneExport export, CancellationToken cancellationToken)
    {
        if (!RbldnsdZoneExport.TryParseFormat(format, out var parsed))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["format"] = ["Use ip4set or ip6trie."] });
        }
        http.Response.ContentType = "text/plain; charset=us-ascii";
        await export.WriteAsync(parsed, http.Response.Body, cancellationToken);
        return TypedResults.Empty;
    }

    private static ProblemHttpResult Invalid(string field, IStringLocalizer<Strings> strings, IpAddressError error, IpNetwork? suggestion = null) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "One or more validation errors occurred.",
            detail: IpMessage(strings, error) + (suggestion is { } s ? $" Did you mean {s}?" : ""),
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [error.ToString()] } });

    private static string IpMessage(IStringLocalizer<Strings> strings, IpAddressError error) =>
        strings[$"IpError_{error}"] is { ResourceNotFound: false } message ? message.Value : error switch
        {
            IpAddressError.HostBitsSet => "The address has bits set beyond the prefix length.",
            IpAddressError.BadPrefixLength => "The prefix length is not a number in range for the address family.",
            IpAddressError.TooWide => $"Ranges wider than /{IpNetworkInput.MinIPv4PrefixLength} (IPv4) or /{IpNetworkInput.MinIPv6PrefixLength} (IPv6) are refused.",
            _ => error.ToString(),
        };

    private static string DraftField(ListingDraftError error) => error switch
    {
        ListingDraftError.DetailMissing or ListingDraftError.DetailTooLong => "detail",
        ListingDraftError.UnknownReason => "reason",
        ListingDraftError.ExpiryInThePast => "expiresAt",
        _ => "evidence",
    };

    private static string DraftMessage(ListingDraftError error) => error switch
    {
        ListingDraftError.DetailMissing => "Say what was seen: the sender reads it.",
        ListingDraftError.DetailTooLong => $"At most {Listing.MaxDetailLength} characters.",
        ListingDraftError.UnknownReason => $"Use one of {string.Join(", ", Enum.GetNames<ListingReason>())}.",
        ListingDraftError.ExpiryInThePast => "The expiry must be in the future.",
        ListingDraftError.HeloNameTooLong => $"The HELO name has at most {ListingEvidence.MaxHeloNameLength} characters.",
        ListingDraftError.NegativeSampleCount => "The sample count cannot be negative.",
        _ => error.ToString(),
    };
}
