using System.Collections.Concurrent;
using System.Security.Claims;

namespace DelistPortal.Admin;

/// <summary>What became of a request that carried an import file (<see cref="ImportUploads.ReceiveAsync"/>).</summary>
public enum ImportUploadOutcome
{
    Received,
    /// <summary>No page of this process waits for it: an unknown, used or abandoned ticket, or another user's.</summary>
    UnknownTicket,
    TooLarge,
    /// <summary>The request broke off, or the file could not be written; the page hears why.</summary>
    Failed,
}

/// <summary>
/// Import files sent by the browser as one plain HTTP request (<c>POST /admin/import/upload/{ticket}</c>) instead of over
/// the page's circuit, which carries a file at ~4.5 MB/s (23 s for the operator's million rows). The page asks for a
/// ticket and the browser posts the chosen file with it; the page hears of the bytes copied and of the upload's end
/// through the ticket. The ticket is the request's proof that this user's page asked for it (another site cannot know
/// it, so it also stands for an antiforgery token). It lives in this process, like the circuit and the staged file: the
/// portal's hosts run behind sticky sessions (README, "Several hosts"), so the browser's request reaches the circuit's
/// host; one that lands on another host finds no ticket there and is refused, and the page says so.
/// </summary>
public sealed class ImportUploads(ImportJobs jobs, TimeProvider time)
{
    public const long MaxFileSize = 200 * 1024 * 1024;

    /// <summary>Where the browser posts a ticket's file: <c>{UploadPath}/{ticket}</c> (<see cref="AdminHostingExtensions.MapAdminEndpoints"/>).</summary>
    public const string UploadPath = "/admin/import/upload";

    /// <summary>How long a ticket waits for its request to arrive: the page's browser sends it at once.</summary>
    internal static readonly TimeSpan TicketLifetime = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<Guid, ImportUploadTicket> _tickets = new();

    /// <summary>A ticket for one upload of <paramref name="fileName"/> by the caller; dispose it when the page stops waiting.</summary>
    /// <param name="copied">The bytes received so far, as they arrive.</param>
    public ImportUploadTicket Expect(ClaimsPrincipal caller, string fileName, IProgress<long>? copied)
    {
        AdminAccess.RequireReader(caller);
        var now = time.GetUtcNow();
        foreach (var stale in _tickets.Values.Where(t => now - t.IssuedAt > TicketLifetime))
        {
            stale.Dispose();
        }
        var ticket = new ImportUploadTicket(this, Guid.NewGuid(), caller.Identity!.Name!, fileName, copied, now);
        _tickets[ticket.Id] = ticket;
        return ticket;
    }

    /// <summary>
    /// Receives a ticket's file: copies it to the data folder and checks its rows as they arrive
    /// (<see cref="ImportJobs.UploadAsync"/>), then hands it to the page that waits on the ticket. A ticket is used once.
    /// </summary>
    /// <param name="length">The request's announced length, if any: a file over <see cref="MaxFileSize"/> is refused before it is read.</param>
    public async Task<ImportUploadOutcome> ReceiveAsync(ClaimsPrincipal caller, Guid ticketId, Stream body, long? length, CancellationToken cancellationToken)
    {
        AdminAccess.RequireReader(caller);
        if (!_tickets.TryGetValue(ticketId, out var ticket) || ticket.UserName != caller.Identity!.Name || !_tickets.TryRemove(ticketId, out _))
        {
            return ImportUploadOutcome.UnknownTicket;
        }
        if (length > MaxFileSize)
        {
            ticket.Refuse(new ImportFileTooLargeException());
            return ImportUploadOutcome.TooLarge;
        }
        // The page that stops waiting stops the copy too, which deletes what was written.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, ticket.Abandoned);
        try
        {
            var uploaded = await jobs.UploadAsync(caller, body, ticket.FileName, ticket.Copied, stop.Token, ticket.Abandoned);
            if (!ticket.Deliver(uploaded))
            {
                // The page went away as the last bytes arrived.
                await uploaded.Checked.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                jobs.Discard(uploaded.Staged);
            }
            return ImportUploadOutcome.Received;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // The browser broke off (a closed tab, a lost connection), Kestrel refused a body over the limit, or the
            // data folder could not take the file: UploadAsync left nothing behind.
            var tooLarge = ex is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge };
            ticket.Refuse(tooLarge ? new ImportFileTooLargeException() : ex);
            return tooLarge ? ImportUploadOutcome.TooLarge : ImportUploadOutcome.Failed;
        }
    }

    internal void Forget(ImportUploadTicket ticket) => _tickets.TryRemove(new KeyValuePair<Guid, ImportUploadTicket>(ticket.Id, ticket));
}

/// <summary>
/// One upload a page waits for (<see cref="ImportUploads.Expect"/>). Disposing it means the page no longer waits: an
/// upload under way stops and its file is deleted, one that arrives later is refused.
/// </summary>
public sealed class ImportUploadTicket : IDisposable
{
    private readonly ImportUploads _owner;
    private readonly TaskCompletionSource<UploadedImport> _received = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _abandoned = new();

    internal ImportUploadTicket(ImportUploads owner, Guid id, string userName, string fileName, IProgress<long>? copied, DateTimeOffset issuedAt)
    {
        (_owner, Id, UserName, FileName, Copied, IssuedAt) = (owner, id, userName, fileName, copied, issuedAt);
        Abandoned = _abandoned.Token;
    }

    public Guid Id { get; }

    /// <summary>Where the browser posts the file, relative to the portal's base address.</summary>
    public string Url => $"{ImportUploads.UploadPath.TrimStart('/')}/{Id:N}";

    /// <summary>The uploaded file once all of it is copied (its check may still run); faults if the upload failed.</summary>
    public Task<UploadedImport> Received => _received.Task;

    internal string UserName { get; }

    internal string FileName { get; }

    internal IProgress<long>? Copied { get; }

    internal DateTimeOffset IssuedAt { get; }

    internal CancellationToken Abandoned { get; }

    internal bool Deliver(UploadedImport uploaded) => _received.TrySetResult(uploaded);

    internal void Refuse(Exception why) => _received.TrySetException(why);

    public void Dispose()
    {
        _owner.Forget(this);
        _received.TrySetCanceled();
        _abandoned.Cancel();
    }
}

/// <summary>The upload was larger than <see cref="ImportUploads.MaxFileSize"/>; nothing was kept.</summary>
public sealed class ImportFileTooLargeException() : IOException($"An import file holds at most {ImportUploads.MaxFileSize / 1024 / 1024} MB.");
