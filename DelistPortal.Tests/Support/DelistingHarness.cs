using System.Net;
using DelistPortal.Blocklist;
using DelistPortal.Data;
using DelistPortal.Delisting;
using DelistPortal.Email;
using DelistPortal.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace DelistPortal.Tests.Support;

/// <summary>The delisting services as the app wires them, on a temporary SQLite file, with a fake clock and a recording mail sender.</summary>
public sealed class DelistingHarness : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;

    public DelistingHarness()
    {
        var services = new ServiceCollection();
        Register(services);
        _services = services.BuildServiceProvider();
    }

    /// <summary>Adds the delisting services on this harness's database, clock and mail to a container (bunit's, for example).</summary>
    public void Register(IServiceCollection services)
    {
        services.AddLogging();
        services.AddLocalization();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton<IDbContextFactory<PortalDbContext>>(Database);
        services.AddSingleton<IMailSender>(Mail);
        services.AddOptions<PortalOptions>().Configure(o => o.PublicBaseUrl = "https://delist.example.net/portal/");
        services.AddOptions<DelistingOptions>();
        services.AddOptions<MailOptions>();
        services.AddSingleton<MailTemplateRenderer>();
        services.AddScoped<ConfirmationMailer>();
        services.AddScoped<DelistService>();
        services.AddScoped<RequestStatusQuery>();
    }

    public FakeTimeProvider Clock { get; } = new(Start);

    public TemporaryDatabase Database { get; } = new();

    public RecordingMailSender Mail { get; } = new();

    public DelistService Service => _services.CreateScope().ServiceProvider.GetRequiredService<DelistService>();

    public RequestStatusQuery StatusQuery => _services.CreateScope().ServiceProvider.GetRequiredService<RequestStatusQuery>();

    public async Task<Listing> ListAsync(string network, int? prefixLength = null, ListingReason reason = ListingReason.Spam)
    {
        var address = IPAddress.Parse(network);
        var listing = Listing.Create(
            prefixLength is { } prefix ? new IpNetwork(address, prefix) : IpNetwork.Single(address),
            reason, "Test listing: bulk mail to spam traps.", Clock.GetUtcNow().AddDays(-1));
        await using var db = Database.CreateDbContext();
        db.Listings.Add(listing);
        await db.SaveChangesAsync();
        return listing;
    }

    /// <summary>The reference and token of the newest mailed link.</summary>
    public (string Reference, string Token) LastLink()
    {
        var query = System.Web.HttpUtility.ParseQueryString(MailLinks.ConfirmationLink(Mail.Sent[^1]).Query);
        return (query["request"]!, query["token"]!);
    }

    public async Task<bool> IsListedAsync(string address)
    {
        await using var db = Database.CreateDbContext();
        return await db.Listings.ActiveContaining(IPAddress.Parse(address), Clock.GetUtcNow()).AnyAsync();
    }

    public void Dispose()
    {
        _services.Dispose();
        Database.Dispose();
    }
}
