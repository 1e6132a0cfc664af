using System.ComponentModel.DataAnnotations;

namespace DelistPortal.Api;

public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Look-ups one client address may make per <see cref="LookupWindow"/>; more get 429 with Retry-After.</summary>
    [Range(1, 1_000_000)]
    public int LookupPermitLimit { get; set; } = 60;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LookupWindow { get; set; } = TimeSpan.FromMinutes(1);
}
