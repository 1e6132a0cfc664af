using System.Net;
using DelistPortal.Blocklist;
using DelistPortal.Blocklist.Index;
using DelistPortal.ChangeLog;
using DelistPortal.Data;
using DelistPortal.Delisting;
using DelistPortal.Email;
using DelistPortal.Portal;
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
        ChangeLogFollower? follower = null;
        Database = new TemporaryDatabase([new ChangeLogCommitSignal(() => follower), .. interceptors]);
        Follower = follower = NewFollower(Index);
        Follower.LoadAsync().GetAwaiter().GetResult();
        var services = new ServiceCollection();
        Register(services);
        _services = services.BuildServiceProvider();
    }

    /// <summary>Adds the delisting services on this harness's database, clock and mail to a container (bunit's, for example).</summary>
    public void Register(IServiceCollection services)
    {
        services.AddLogging();
        services.AddLocalization();
        // The features bind their options from configuration: none here, so the app's defaults, changed below.
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddDataProtection();
        services.AddBlocklist();
        services.AddMail();
        services.AddDelisting();
        // This harness's clock, database, index and recording mail server in place of the app's.
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton<IDbContextFactory<PortalDbContext>>(Database);
        services.AddSingleton(Index);
        services.AddSingleton(Follower);
        services.AddSingleton<IMailSender>(Mail);
        services.AddOptions<PortalOptions>().Configure(o => (o.PublicBaseUrl, o.DataDirectory) = ("https://delist.example.net/portal/", Database.Folder));
        services.AddOptions<BlocklistOptions>().Configure(o => Configure(o));
        services.AddOptions<SubmissionLimitOptions>().Configure(o => ConfigureLimits(o));
        services.AddOptions<ProofOfWorkOptions>().Configure(o => ConfigureProofOfWork(o));
        services.AddOptions<OutboxOptions>().Configure(o => (o.FirstRetryDelay, o.MaxAttempts) = (TimeSpan.FromMinutes(1), 3));
    }

    public FakeTimeProvider Clock { get; } = new(Start);

    /// <summary>Set before the first service is resolved to change the listing policy for one test.</summary>
    public Action<BlocklistOptions> Configure { get; set; } = _ => { };

    /// <summary>Set before the first service is resolved to change the submission limits for one test.</summary>
    public Action<SubmissionLimitOptions> ConfigureLimits { get; set; } = _ => { };

    /// <summary>Set before the first service is resolved to change the proof of work (on, at the app's default difficulty, unless changed).</summary>
    public Action<ProofOfWorkOptions> ConfigureProofOfWork { get; set; } = _ => { };

    public BlocklistService Blocklist => _services.GetRequiredService<BlocklistService>();

    public TemporaryDatabase Database { get; }

    /// <summary>The in-memory index, kept in step with <see cref="Database"/> as in the app.</summary>
    public BlocklistIndex Index { get; }

    /// <summary>This "process's" follower of the change log: the harness's own commits reach <see cref="Index"/> through it.</summary>
    public ChangeLogFollower Follower { get; }

    /// <summary>A follower of the same database for another index: what a second portal process would hold.</summary>
    public ChangeLogFollower NewFollower(BlocklistIndex index, params IChangeLogSubscriber[] others) => FollowerOf(Database, index, Clock, others);

    /// <summary>A follower of <paramref name="database"/> that keeps <paramref name="index"/> (and any others) in step, as the app wires it.</summary>
    public static ChangeLogFollower FollowerOf(TemporaryDatabase database, BlocklistIndex index, TimeProvider clock, params IChangeLogSubscriber[] others) => new(
        database,
        [new ListingIndexFollower(database, index, clock), new ExceptionIndexFollower(database, index), .. others],
        Microsoft.Extensions.Options.Options.Create(new ChangeLogOptions()),
        Microsoft.Extensions.Logging.Abstractions.NullLogger<ChangeLogFollower>.Instance);

    public RecordingMailSender Mail { get; } = new();

    public DelistService Service => _services.CreateScope().ServiceProvider.GetRequiredService<DelistService>();

    public ProofOfWork ProofOfWork => _services.GetRequiredService<ProofOfWork>();

    /// <summary>Submits as the wizard does: with a proof of work issued by this harness's portal and really solved.</summary>
    public Task<SubmitResult> SubmitAsync(string email, string ip, string? clientAddress) =>
        Service.SubmitAsync(email, ip, clientAddress, ProofOfWorkSolver.Solve(ProofOfWork.Issue()));

    public RequestStatusQuery StatusQuery => _services.CreateScope().ServiceProvider.GetRequiredService<RequestStatusQuery>();

    /// <summary>Lists a network through the blocklist service, permanent unless the test says otherwise.</summary>
    public async Task<Listing> ListAsync(string address, int? prefixLength = null, ListingReason reason = ListingReason.Spam)
    {
        var ip = IPAddress.Parse(address);
        var network = prefixLength is { } prefix ? new IpNetwork(ip, prefix) : IpNetwork.Single(ip);
        var result = await Blocklist.ListAsync(
            new ListingDraft(network, reason, "Test listing: bulk mail to spam traps.", ListingSource.Admin) { Permanent = true },
            DelistPortal.Portal.Actor.Admin("test-admin"), null);
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

    /// <summary>Whether the database lists the address: an active listing contains it and no more specific exception frees it.</summary>
    public async Task<bool> IsListedAsync(string address)
    {
        await using var db = Database.CreateDbContext();
        return (await db.ListingsThatListAsync(IPAddress.Parse(address), Clock.GetUtcNow())).Count > 0;
    }

    public void Dispose()
    {
        _services.Dispose();
        Database.Dispose();
    }
}
