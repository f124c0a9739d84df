using System.Net;
using System.Net.Sockets;

namespace Haul.Tests.EndToEnd;

/// <summary>
/// Two connected TCP sockets on 127.0.0.1: the server side writes the exact bytes a test scripts,
/// the client side is the connection under test (a <see cref="NetworkStream"/> over it reads them).
/// </summary>
public sealed class LoopbackSocketPair : IDisposable
{
    private LoopbackSocketPair(Socket client, Socket server)
    {
        Client = client;
        Server = server;
    }

    /// <summary>The side under test.</summary>
    public Socket Client { get; }

    /// <summary>The side that plays the server.</summary>
    public Socket Server { get; }

    /// <summary>
    /// Connects a pair. The client's receive buffer is asked to be large, so a test can wait until
    /// a few hundred KB are at hand before it reads.
    /// </summary>
    public static async Task<LoopbackSocketPair> ConnectAsync(CancellationToken cancellationToken)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 1024 * 1024 };
        try
        {
            var accepting = listener.AcceptAsync(cancellationToken);
            await client.ConnectAsync(listener.LocalEndPoint!, cancellationToken);
            return new LoopbackSocketPair(client, await accepting);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Writes every byte of <paramref name="bytes"/> from the server side (it waits while the client's buffers are full).</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await using var stream = new NetworkStream(Server, ownsSocket: false);
        await stream.WriteAsync(bytes, cancellationToken);
    }

    /// <summary>Completes once the client has at least <paramref name="count"/> bytes received and unread.</summary>
    public Task AtHandAsync(int count) => Eventually.TrueAsync(() => Client.Available >= count, $"{count} bytes at hand on the client socket");

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}
