using System.ComponentModel.DataAnnotations;

namespace DelistPortal.Delisting;

public sealed class DelistingOptions
{
    public const string Section = "Delisting";

    /// <summary>How long a confirmation link works.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan ConfirmationLinkLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The least time between two confirmation mails for one request.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ResendInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many times a sender may ask for the mail again, on top of the first one.</summary>
    [Range(0, 10)]
    public int MaxResends { get; set; } = 3;
}
