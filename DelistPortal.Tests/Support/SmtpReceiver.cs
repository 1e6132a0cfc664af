using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Storage;
using SmtpProtocolResponse = SmtpServer.Protocol.SmtpResponse;

namespace DelistPortal.Tests.Support;

/// <summary>A real SMTP server on a loopback port (the SmtpServer package) that keeps what it receives.</summary>
public sealed class SmtpReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<MimeMessage> _messages = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private CancellationTokenSource? _running;
    private Task? _serverTask;

    public SmtpReceiver() => Port = FreePort.Tcp();

    public int Port { get; }

    public IReadOnlyCollection<MimeMessage> Messages => _messages;

    /// <summary>How long the server takes before it accepts a message: a slow mail server.</summary>
    public TimeSpan AcceptDelay { get; set; }

    /// <summary>Completes when a message has been handed over and the server is still deciding (during <see cref="AcceptDelay"/>).</summary>
    public TaskCompletionSource MessageInFlight { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<SmtpReceiver> StartNewAsync()
    {
        var receiver = new SmtpReceiver();
        await receiver.StartAsync();
        return receiver;
    }

    /// <summary>Starts listening; can be called again after <see cref="StopAsync"/>, on the same port.</summary>
    public async Task StartAsync()
    {
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        var server = new SmtpServer.SmtpServer(options, services);
        _running = new CancellationTokenSource();
        _serverTask = server.StartAsync(_running.Token);
        await WaitUntilListeningAsync();
    }

    public async Task StopAsync()
    {
        if (_running is null)
        {
            return;
        }
        await _running.CancelAsync();
        try
        {
            await _serverTask!;
        }
        catch (OperationCanceledException)
        {
        }
        _running.Dispose();
        _running = null;
    }

    /// <summary>The next message that matches, waiting for it to arrive.</summary>
    public async Task<MimeMessage> WaitForMessageAsync(Func<MimeMessage, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            if (_messages.FirstOrDefault(match) is { } message)
            {
                return message;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                throw new TimeoutException($"No matching mail arrived on port {Port}; {_messages.Count} other(s) did.");
            }
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task WaitUntilListeningAsync()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(20);
            }
        }
        throw new InvalidOperationException($"The SMTP receiver did not start on port {Port}.");
    }


    private sealed class Store(SmtpReceiver receiver) : MessageStore
    {
        public override async Task<SmtpProtocolResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            receiver.MessageInFlight.TrySetResult();
            await Task.Delay(receiver.AcceptDelay, CancellationToken.None);
            using var stream = new MemoryStream(buffer.ToArray());
            receiver._messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            receiver._arrived.Release();
            return SmtpProtocolResponse.Ok;
        }
    }
}
