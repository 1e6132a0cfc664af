using System.Text;
using DelistPortal.Admin;
using DelistPortal.Tests.Support;

namespace DelistPortal.Tests.Admin;

/// <summary>
/// An import file arrives as a plain HTTP request with the ticket the Import page was given: only the page's user may
/// use it, once; a page that stops waiting stops the upload; a broken or oversized upload leaves no file and the page
/// hears why. (The request itself, over HTTP: AdminAccessTests; in a browser: the e2e import tests.)
/// </summary>
public sealed class ImportUploadsTests : IDisposable
{
    private static readonly byte[] File = Encoding.UTF8.GetBytes("network,reason,detail\n192.0.2.1,Spam,one\n192.0.2.2,Spam,two\n10.0.0.1,Spam,private\n");

    private readonly DelistingHarness _harness = new();
    private readonly ServiceProvider _services;

    public ImportUploadsTests() => _services = _harness.BuildAdminProvider();

    private ImportUploads Uploads => _services.GetRequiredService<ImportUploads>();

    private string StagingFolder => Path.Combine(_harness.Database.Folder, "imports");

    public void Dispose()
    {
        _services.Dispose();
        _harness.Dispose();
    }

    [Fact]
    public async Task ThePageGetsTheFileAndItsCheckAndTheTicketIsUsedOnce()
    {
        var copied = new List<long>();
        using var ticket = Uploads.Expect(Principals.Viewer(), "listings.csv", new Recorded(copied));

        var outcome = await Uploads.ReceiveAsync(Principals.Viewer(), ticket.Id, new MemoryStream(File), File.Length, CancellationToken.None);
        var again = await Uploads.ReceiveAsync(Principals.Viewer(), ticket.Id, new MemoryStream(File), File.Length, CancellationToken.None);

        Assert.Equal((ImportUploadOutcome.Received, ImportUploadOutcome.UnknownTicket), (outcome, again));
        var uploaded = await ticket.Received;
        var preview = await uploaded.Checked;
        Assert.Equal((2, 1), (preview.RowCount, preview.ErrorCount));
        Assert.Equal("listings.csv", uploaded.Staged.FileName);
        Assert.Equal(File, await System.IO.File.ReadAllBytesAsync(uploaded.Staged.Path));
        Assert.Equal(File.Length, copied.Last());
        Assert.EndsWith($"admin/import/upload/{ticket.Id:N}", ticket.Url);
    }

    [Fact]
    public async Task AnotherUsersRequestOrAnUnknownTicketIsRefusedAndTheTicketStillWaits()
    {
        using var ticket = Uploads.Expect(Principals.Admin("alice"), "listings.csv", null);

        var byAnother = await Uploads.ReceiveAsync(Principals.Admin("bob"), ticket.Id, new MemoryStream(File), File.Length, CancellationToken.None);
        var unknown = await Uploads.ReceiveAsync(Principals.Admin("alice"), Guid.NewGuid(), new MemoryStream(File), File.Length, CancellationToken.None);
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() =>
            Uploads.ReceiveAsync(new System.Security.Claims.ClaimsPrincipal(), ticket.Id, new MemoryStream(File), File.Length, CancellationToken.None));

        Assert.Equal((ImportUploadOutcome.UnknownTicket, ImportUploadOutcome.UnknownTicket), (byAnother, unknown));
        Assert.False(ticket.Received.IsCompleted);
        Assert.False(Directory.Exists(StagingFolder) && Directory.EnumerateFiles(StagingFolder).Any());
        Assert.Equal(ImportUploadOutcome.Received,
            await Uploads.ReceiveAsync(Principals.Admin("alice"), ticket.Id, new MemoryStream(File), File.Length, CancellationToken.None));
    }

    [Fact]
    public async Task AFileAnnouncedAsTooLargeIsRefusedBeforeItIsRead()
    {
        using var ticket = Uploads.Expect(Principals.Viewer(), "huge.csv", null);

        var outcome = await Uploads.ReceiveAsync(Principals.Viewer(), ticket.Id, new BrokenUpload([], new InvalidOperationException("read")),
            ImportUploads.MaxFileSize + 1, CancellationToken.None);

        Assert.Equal(ImportUploadOutcome.TooLarge, outcome);
        await Assert.ThrowsAsync<ImportFileTooLargeException>(() => ticket.Received);
    }

    [Fact]
    public async Task AnUploadThatBreaksOffLeavesNoFileAndThePageHearsWhy()
    {
        using var ticket = Uploads.Expect(Principals.Viewer(), "listings.csv", null);

        var outcome = await Uploads.ReceiveAsync(Principals.Viewer(), ticket.Id, new BrokenUpload(File, new IOException("The browser went away.")), null,
            CancellationToken.None);

        Assert.Equal(ImportUploadOutcome.Failed, outcome);
        await Assert.ThrowsAsync<IOException>(() => ticket.Received);
        Assert.Empty(Directory.GetFiles(StagingFolder));
    }

    [Fact]
    public async Task APageThatStopsWaitingStopsTheUploadUnderWayAndLeavesNoFile()
    {
        var ticket = Uploads.Expect(Principals.Viewer(), "listings.csv", null);
        var upload = new BrokenUpload(File, null);
        var receiving = Uploads.ReceiveAsync(Principals.Viewer(), ticket.Id, upload, null, CancellationToken.None);
        await upload.HeadSent.Task.WaitAsync(TimeSpan.FromSeconds(10));

        ticket.Dispose();

        Assert.Equal(ImportUploadOutcome.Failed, await receiving.WaitAsync(TimeSpan.FromSeconds(10)));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ticket.Received);
        Assert.Empty(Directory.GetFiles(StagingFolder));
    }

    [Fact]
    public async Task ATicketNotUsedWithinItsLifetimeIsGone()
    {
        var stale = Uploads.Expect(Principals.Viewer(), "old.csv", null);
        _harness.Clock.Advance(ImportUploads.TicketLifetime + TimeSpan.FromSeconds(1));
        using var fresh = Uploads.Expect(Principals.Viewer(), "new.csv", null);

        var outcome = await Uploads.ReceiveAsync(Principals.Viewer(), stale.Id, new MemoryStream(File), File.Length, CancellationToken.None);

        Assert.Equal(ImportUploadOutcome.UnknownTicket, outcome);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stale.Received);
    }

    /// <summary>Progress reported as it happens (<see cref="Progress{T}"/> posts it later).</summary>
    private sealed class Recorded(List<long> values) : IProgress<long>
    {
        public void Report(long value) => values.Add(value);
    }

    /// <summary>Sends its head, then fails with <paramref name="failure"/>, or waits until cancelled when it is null.</summary>
    private sealed class BrokenUpload(byte[] head, Exception? failure) : ReadOnlyTestStream
    {
        private readonly MemoryStream _head = new(head);

        public TaskCompletionSource HeadSent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (await _head.ReadAsync(buffer, cancellationToken) is var read and > 0)
            {
                return read;
            }
            HeadSent.TrySetResult();
            if (failure is not null)
            {
                throw failure;
            }
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

    }
}
