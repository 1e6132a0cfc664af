using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Storage;
using SmtpProtocolResponse = SmtpServer.Protocol.SmtpResponse;

namespace DelistPortal.CapacityBenchmarks;

/// <summary>A real SMTP server on a loopback port (the SmtpServer package, as the tests use) that hands each message to whoever waits for its recipient.</summary>
public sealed class MailReceiver : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _waiting = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _running = new();
    private Task? _server;

    private MailReceiver(int port) => Port = port;

    public int Port { get; }

    public static async Task<MailReceiver> StartAsync()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var receiver = new MailReceiver(port);
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(receiver));
        receiver._server = new SmtpServer.SmtpServer(options, services).StartAsync(receiver._running.Token);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return receiver;
            }
            catch (SocketException) when (attempt < 100)
            {
                await Task.Delay(20);
            }
        }
    }

    /// <summary>Registers interest in the next message to the address (before the action that sends it).</summary>
    public Waiter WaitFor(string address) => new(this, address, _waiting.GetOrAdd(address, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)));

    public sealed class Waiter(MailReceiver receiver, string address, TaskCompletionSource<string> message)
    {
        /// <summary>The message's text (plain part, else HTML).</summary>
        public async Task<string> WaitAsync(TimeSpan timeout)
        {
            try
            {
                return await message.Task.WaitAsync(timeout);
            }
            finally
            {
                receiver._waiting.TryRemove(address, out _);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _running.CancelAsync();
        try
        {
            if (_server is not null)
            {
                await _server;
            }
        }
        catch (OperationCanceledException)
        {
        }
        _running.Dispose();
    }

    private sealed class Store(MailReceiver receiver) : MessageStore
    {
        public override async Task<SmtpProtocolResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            foreach (var to in message.To.Mailboxes)
            {
                if (receiver._waiting.TryGetValue(to.Address, out var waiter))
                {
                    waiter.TrySetResult(message.TextBody ?? message.HtmlBody ?? "");
                }
            }
            return SmtpProtocolResponse.Ok;
        }
    }
}
