using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using DelistPortal.Blocklist.Index;
using DelistPortal.Portal;
using Microsoft.Extensions.Options;

namespace DelistPortal.Dnsbl;

/// <summary>
/// Serves the DNSBL zone over UDP and TCP from the in-memory index. UDP: a few threads in blocking receives, each with
/// its own buffers, so a query costs no allocation; TCP: an accept loop, one task per connection (RFC 7766).
/// </summary>
public sealed class DnsblServer : IHostedService, IDisposable
{
    private const int MaxTcpConnections = 256;
    private static readonly TimeSpan TcpIdleTimeout = TimeSpan.FromSeconds(10);

    private readonly DnsblOptions _options;
    private readonly DnsblResponder _responder;
    private readonly ILogger<DnsblServer> _logger;
    private readonly PortalMetrics? _metrics;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Thread> _udpThreads = [];
    private Socket? _udp;
    private Socket? _tcp;
    private Task _tcpAccepting = Task.CompletedTask;
    private int _tcpConnections;
    private int _disposed;

    public DnsblServer(IOptions<DnsblOptions> options, IOptions<PortalOptions> portal, BlocklistIndex index, TimeProvider time, ILogger<DnsblServer> logger, PortalMetrics? metrics = null)
    {
        _options = options.Value;
        _logger = logger;
        _metrics = metrics;
        _responder = new DnsblResponder(DnsblZone.Create(_options, portal.Value.GetPublicBaseUri(), time.GetUtcNow()), index);
    }

    public DnsblResponder Responder => _responder;

    /// <summary>Where the zone is served, once started (UDP and TCP share the port); null when disabled.</summary>
    public IPEndPoint? EndPoint { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            _logger.LogInformation("The DNSBL responder is off (Dnsbl:Enabled)");
            return Task.CompletedTask;
        }
        var address = IPAddress.Parse(_options.BindAddress);
        (_udp, _tcp) = Bind(address, _options.Port);
        EndPoint = (IPEndPoint)_udp.LocalEndPoint!;

        for (var i = 0; i < _options.UdpThreads; i++)
        {
            var thread = new Thread(ReceiveUdp) { IsBackground = true, Name = $"DNSBL UDP {i}" };
            _udpThreads.Add(thread);
            thread.Start(_udp);
        }
        _tcpAccepting = AcceptTcpAsync(_tcp, _stopping.Token);
        _logger.LogInformation("DNSBL {Zone} answering on {EndPoint} (UDP and TCP)", _responder.Zone.Name, EndPoint);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) == 1)
        {
            return;
        }
        await _stopping.CancelAsync();
        _udp?.Dispose();
        _tcp?.Dispose();
        foreach (var thread in _udpThreads)
        {
            thread.Join(TimeSpan.FromSeconds(2));
        }
        await _tcpAccepting.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        // The container disposes it twice: as itself and as the hosted service it also is.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _stopping.Cancel();
        _udp?.Dispose();
        _tcp?.Dispose();
        _stopping.Dispose();
    }

    /// <summary>UDP and TCP on one port; for port 0, a free port that is free for both.</summary>
    private static (Socket Udp, Socket Tcp) Bind(IPAddress address, int port)
    {
        for (var attempt = 0; ; attempt++)
        {
            var udp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            var tcp = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                // A blocked receive wakes up now and then to notice a stop even where closing the socket does not wake it.
                udp.ReceiveTimeout = 1000;
                udp.Bind(new IPEndPoint(address, port));
                tcp.Bind(new IPEndPoint(address, ((IPEndPoint)udp.LocalEndPoint!).Port));
                tcp.Listen(128);
                return (udp, tcp);
            }
            catch (SocketException) when (port == 0 && attempt < 20)
            {
                udp.Dispose();
                tcp.Dispose();
            }
            catch
            {
                udp.Dispose();
                tcp.Dispose();
                throw;
            }
        }
    }

    private void ReceiveUdp(object? state)
    {
        var socket = (Socket)state!;
        // Anything longer than a DNS query is garbage; 4 KiB is enough to read it whole and drop it.
        var query = new byte[4096];
        var reply = new byte[DnsblResponder.MaxUdpLength];
        var from = new SocketAddress(socket.AddressFamily);
        while (!_stopping.IsCancellationRequested)
        {
            int received;
            try
            {
                received = socket.ReceiveFrom(query, SocketFlags.None, from);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock
                or SocketError.ConnectionReset or SocketError.MessageSize or SocketError.Interrupted)
            {
                continue;
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                return;
            }

            try
            {
                var length = _responder.Answer(query.AsSpan(0, received), reply);
                _metrics?.DnsblAnswered(reply.AsSpan(0, length), tcp: false);
                if (length > 0)
                {
                    socket.SendTo(reply.AsSpan(0, length), SocketFlags.None, from);
                }
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (Exception ex)
            {
                // A send failing (the client gone) or a bug answering one packet must not stop the thread.
                _logger.LogDebug(ex, "DNSBL: a UDP query could not be answered");
            }
        }
    }

    private async Task AcceptTcpAsync(Socket listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stopping);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (stopping.IsCancellationRequested)
                {
                    return;
                }
                continue;
            }
            if (Interlocked.Increment(ref _tcpConnections) > MaxTcpConnections)
            {
                Interlocked.Decrement(ref _tcpConnections);
                client.Dispose();
                continue;
            }
            _ = ServeTcpAsync(client, stopping);
        }
    }

    private async Task ServeTcpAsync(Socket client, CancellationToken stopping)
    {
        var query = ArrayPool<byte>.Shared.Rent(ushort.MaxValue);
        var reply = ArrayPool<byte>.Shared.Rent(2 + ushort.MaxValue);
        try
        {
            await using var stream = new NetworkStream(client, ownsSocket: true);
            // Several queries may come on one connection; each waits at most the idle timeout.
            while (!stopping.IsCancellationRequested)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                timeout.CancelAfter(TcpIdleTimeout);
                await stream.ReadExactlyAsync(query.AsMemory(0, 2), timeout.Token);
                var length = BinaryPrimitives.ReadUInt16BigEndian(query);
                await stream.ReadExactlyAsync(query.AsMemory(0, length), timeout.Token);
                var answer = _responder.Answer(query.AsSpan(0, length), reply.AsSpan(2), ushort.MaxValue);
                _metrics?.DnsblAnswered(reply.AsSpan(2, answer), tcp: true);
                if (answer == 0)
                {
                    return;
                }
                BinaryPrimitives.WriteUInt16BigEndian(reply, (ushort)answer);
                await stream.WriteAsync(reply.AsMemory(0, 2 + answer), timeout.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException or EndOfStreamException)
        {
            // The client went away, sent half a message or stayed idle: close the connection.
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "DNSBL: a TCP connection failed");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(query);
            ArrayPool<byte>.Shared.Return(reply);
            Interlocked.Decrement(ref _tcpConnections);
        }
    }
}
