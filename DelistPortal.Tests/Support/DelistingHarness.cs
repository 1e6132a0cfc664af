using System.Net;
using DelistPortal.Blocklist;
using DelistPortal.Blocklist.Index;
using DelistPortal.Data;
using DelistPortal.Delisting;
using DelistPortal.Email;
using DelistPortal.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace DelistPortal.Tests.Support;

/// <summary>The delisting services as the app wires them, on a temporary SQLite file, with a fake clock and a recording mail sender.</summary>
public sealed class DelistingHarness : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;

    /// <param name="interceptors">More EF interceptors on the database (a <see cref="QueryRecorder"/>, for example).</param>
    public DelistingHarness(params Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors)
    {
        Index = new BlocklistIndex(Clock);
        Synchronizer = new ListingIndexSynchronizer(Index);
        Database = new TemporaryDatabase([Synchronizer, .. interceptors]);
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
        services.AddSingleton(Index);
        services.AddSingleton<IMailSender>(Mail);
        services.AddOptions<PortalOptions>().Configure(o => (o.PublicBaseUrl, o.DataDirectory) = ("https://delist.example.net/portal/", Database.Folder));
        services.AddOptions<DelistingOptions>();
        services.AddOptions<MailOptions>();
        services.AddOptions<BlocklistOptions>().Configure(o => Configure(o));
        services.AddSingleton<ListingPolicy>();
        services.AddOptions<SubmissionLimitOptions>().Configure(o => ConfigureLimits(o));
        services.AddSingleton<SubmissionLimits>();
        services.AddSingleton<BlocklistService>();
        services.AddSingleton<MailTemplateRenderer>();
        services.AddDataProtection();
        services.AddOptions<OutboxOptions>().Configure(o => (o.FirstRetryDelay, o.MaxAttempts) = (TimeSpan.FromMinutes(1), 3));
        services.AddSingleton<MailOutbox>();
        services.AddSingleton<OutboxSender>();
        services.AddScoped<ConfirmationMailer>();
        services.AddScoped<DelistService>();
        services.AddScoped<RequestStatusQuery>();
    }

    public FakeTimeProvider Clock { get; } = new(Start);

    /// <summary>Set before the first service is resolved to change the listing policy for one test.</summary>
    public Action<BlocklistOptions> Configure { get; set; } = _ => { };

    /// <summary>Set before the first service is resolved to change the submission limits for one test.</summary>
    public Action<SubmissionLimitOptions> ConfigureLimits { get; set; } = _ => { };

    public BlocklistService Blocklist => _services.GetRequiredService<BlocklistService>();

    public TemporaryDatabase Database { get; }

    /// <summary>The in-memory index, kept in step with <see cref="Database"/> as in the app.</summary>
    public BlocklistIndex Index { get; }

    public ListingIndexSynchronizer Synchronizer { get; }

    public RecordingMailSender Mail { get; } = new();

    public DelistService Service => _services.CreateScope().ServiceProvider.GetRequiredService<DelistService>();

    public RequestStatusQuery StatusQuery => _services.CreateScope().ServiceProvider.GetRequiredService<RequestStatusQuery>();

    /// <summary>Lists a network through the blocklist service, permanent unless the test says otherwise.</summary>
    public async Task<Listing> ListAsync(string address, int? prefixLength = null, ListingReason reason = ListingReason.Spam)
    {
        var ip = IPAddress.Parse(address);
        var network = prefixLength is { } prefix ? new IpNetwork(ip, prefix) : IpNetwork.Single(ip);
        var result = await Blocklist.ListAsync(
            new ListingDraft(network, reason, "Test listing: bulk mail to spam traps.", ListingSource.Admin) { Permanent = true },
            DelistPortal.Blocklist.Actor.Admin("test-admin"), null);
        return result.Listing ?? throw new InvalidOperationException($"Listing {network} failed: {result.Outcome} {result.Error}");
    }

    /// <summary>Runs the outbox sender once over everything due, as its background loop would.</summary>
    public async Task DeliverMailAsync()
    {
        var sender = _services.GetRequiredService<OutboxSender>();
        while (await sender.SendDueAsync() > 0)
        {
        }
    }

    /// <summary>What reached the (recording) mail server, after delivering the outbox.</summary>
    public async Task<IReadOnlyList<MimeKit.MimeMessage>> SentMailAsync()
    {
        await DeliverMailAsync();
        return Mail.Sent;
    }

    /// <summary>The reference and token of the newest mailed link.</summary>
    public async Task<(string Reference, string Token)> LastLinkAsync()
    {
        var sent = await SentMailAsync();
        var query = System.Web.HttpUtility.ParseQueryString(MailLinks.ConfirmationLink(sent[^1]).Query);
        return (query["request"]!, query["token"]!);
    }

    public async Task<bool> IsListedAsync(string address)
    {
        await using var db = Database.CreateDbContext();
        return (await db.Listings.ActiveContainingAsync(IPAddress.Parse(address), Clock.GetUtcNow())).Count > 0;
    }

    public void Dispose()
    {
        _services.Dispose();
        Database.Dispose();
    }
}
