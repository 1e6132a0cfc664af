using System.Net;
using System.Net.Sockets;

namespace DelistPortal.Tests.Support;

public static class FreePort
{
    /// <summary>A TCP port on loopback that nothing listens on right now.</summary>
    public static int Tcp()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A loopback port free for both TCP and UDP right now (a DNS server listens on both).</summary>
    public static int TcpAndUdp()
    {
        while (true)
        {
            var port = Tcp();
            try
            {
                using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken for UDP: try another.
            }
        }
    }
}
