using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Haul.Tests.Http;

/// <summary>The byte plumbing the test proxies share.</summary>
internal static class ProxyRelay
{
    /// <summary>Hands each connection to <paramref name="serve"/> (not awaited: connections overlap) until stopped.</summary>
    public static async Task AcceptAsync(TcpListener listener, Func<TcpClient, Task> serve, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = serve(client);
        }
    }

    /// <summary>Reads up to the blank line that ends an HTTP head; null when the client closed first.</summary>
    public static async Task<string?> ReadHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 64 * 1024)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                return null;
            }

            head.Add(one[0]);
            if (head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n')
            {
                return Encoding.ASCII.GetString([.. head]).TrimEnd('\r', '\n');
            }
        }

        return null;
    }

    /// <summary>Connects to <c>host:port</c> only when the host is a loopback address: the tests never reach further.</summary>
    public static async Task<TcpClient?> ConnectLoopbackAsync(string authority, CancellationToken cancellationToken)
    {
        var colon = authority.LastIndexOf(':');
        var host = authority[..colon].Trim('[', ']');
        var port = int.Parse(authority[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var address = host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(host, out var parsed) ? parsed : null;
        if (address is null || !IPAddress.IsLoopback(address))
        {
            return null;
        }

        var client = new TcpClient(address.AddressFamily);
        await client.ConnectAsync(address, port, cancellationToken);
        return client;
    }

    /// <summary>Copies both ways until either side closes.</summary>
    public static async Task PipeAsync(Stream a, Stream b, CancellationToken cancellationToken)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var one = Copy(a, b, done.Token);
        var other = Copy(b, a, done.Token);
        await Task.WhenAny(one, other);
        await done.CancelAsync();
        await Task.WhenAll(one, other);
    }

    private static async Task Copy(Stream from, Stream to, CancellationToken cancellationToken)
    {
        try
        {
            await from.CopyToAsync(to, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
