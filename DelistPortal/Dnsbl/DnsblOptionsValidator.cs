using DelistPortal.Portal;
using Microsoft.Extensions.Options;

namespace DelistPortal.Dnsbl;

/// <summary>Refuses a start with a zone, address, reason code or TXT template that cannot be served, naming the key.</summary>
internal sealed class DnsblOptionsValidator(IOptions<PortalOptions> portal, TimeProvider time) : IValidateOptions<DnsblOptions>
{
    public ValidateOptionsResult Validate(string? name, DnsblOptions options) =>
        DnsblZone.TryCreate(options, portal.Value.GetPublicBaseUri(), time.GetUtcNow(), out _, out var errors)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(errors);
}
