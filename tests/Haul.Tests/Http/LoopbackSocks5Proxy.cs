using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Haul.Tests.Http;

/// <summary>
/// A SOCKS5 proxy of our own (RFC 1928, no authentication, CONNECT only) on 127.0.0.1, port 0.
/// It connects only to loopback addresses and counts the connections it carried.
/// </summary>
public sealed class LoopbackSocks5Proxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;

    private LoopbackSocks5Proxy()
    {
        _listener.Start();
        _accepting = ProxyRelay.AcceptAsync(_listener, ServeAsync, _stop.Token);
    }

    public static LoopbackSocks5Proxy Start() => new();

    public string Url => $"socks5://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>The destinations asked for, as <c>host:port</c>.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Destinations { get; } = new();

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var greeting = await ReadAsync(stream, 2);
                await ReadAsync(stream, greeting[1]);
                await stream.WriteAsync(new byte[] { 5, 0 }, _stop.Token);

                var request = await ReadAsync(stream, 4);
                var host = request[3] switch
                {
                    1 => new IPAddress(await ReadAsync(stream, 4)).ToString(),
                    4 => $"[{new IPAddress(await ReadAsync(stream, 16))}]",
                    _ => Encoding.ASCII.GetString(await ReadAsync(stream, (await ReadAsync(stream, 1))[0])),
                };
                var portBytes = await ReadAsync(stream, 2);
                var destination = $"{host}:{(portBytes[0] << 8) | portBytes[1]}";
                Destinations.Enqueue(destination);

                using var target = request[1] == 1 ? await ProxyRelay.ConnectLoopbackAsync(destination, _stop.Token) : null;
                if (target is null)
                {
                    await stream.WriteAsync(new byte[] { 5, 2, 0, 1, 0, 0, 0, 0, 0, 0 }, _stop.Token);
                    return;
                }

                Interlocked.Increment(ref _connections);
                await stream.WriteAsync(new byte[] { 5, 0, 0, 1, 0, 0, 0, 0, 0, 0 }, _stop.Token);
                await ProxyRelay.PipeAsync(stream, target.GetStream(), _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or EndOfStreamException)
            {
            }
        }
    }

    private async Task<byte[]> ReadAsync(Stream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, _stop.Token);
        return buffer;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
