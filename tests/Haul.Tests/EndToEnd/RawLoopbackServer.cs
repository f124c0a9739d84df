using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Haul.Tests.EndToEnd;

/// <summary>One request as the raw server read it: the request line and the header lines, unparsed beyond the split.</summary>
public sealed record RawRequest(int Connection, string Method, string Target, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>The value of the first header named <paramref name="name"/>, or null.</summary>
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>What the server sends back: exact bytes, then either the connection stays open for the next request or it closes.</summary>
public sealed record RawReply(byte[] Bytes, bool KeepAlive = false)
{
    /// <summary>A reply made of <paramref name="head"/> (lines joined by CRLF, a blank line appended) and then <paramref name="body"/>.</summary>
    public static RawReply Of(string head, byte[]? body = null, bool keepAlive = false)
    {
        var bytes = Encoding.Latin1.GetBytes(head.TrimEnd('\r', '\n') + "\r\n\r\n");
        return new RawReply(body is null ? bytes : [.. bytes, .. body], keepAlive);
    }

    /// <summary>Raw bytes as written, Latin-1: every char is one byte, so CR, NUL and 0xFF go out as given.</summary>
    public static RawReply Latin1(string raw, bool keepAlive = false) => new(Encoding.Latin1.GetBytes(raw), keepAlive);
}

/// <summary>
/// A TCP listener on 127.0.0.1, port 0, whose replies are scripted as exact bytes: framing Kestrel
/// refuses to send (bad lengths, bare CRs, odd versions, broken chunks) goes out as the test wrote it.
/// It records every request, and stops its accept loop and every connection when disposed.
/// </summary>
public sealed class RawLoopbackServer : IAsyncDisposable
{
    private const int MaxHead = 64 * 1024;

    private readonly TcpListener _listener;
    private readonly Func<RawRequest, RawReply> _reply;
    private readonly X509Certificate2? _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<int, Task> _connections = new();
    private readonly Task _accepting;
    private int _connectionCount;

    private RawLoopbackServer(Func<RawRequest, RawReply> reply, X509Certificate2? certificate)
    {
        _reply = reply;
        _certificate = certificate;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Every request read so far, in arrival order.</summary>
    public ConcurrentQueue<RawRequest> Requests { get; } = new();

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connectionCount);

    /// <summary>Starts a server; <paramref name="reply"/> is called once per request, from any thread.</summary>
    public static RawLoopbackServer Start(Func<RawRequest, RawReply> reply, X509Certificate2? certificate = null) => new(reply, certificate);

    public string Url(string path) => $"{(_certificate is null ? "http" : "https")}://127.0.0.1:{Port}{path}";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(_connections.Values);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            var id = Interlocked.Increment(ref _connectionCount);
            _connections[id] = ServeConnectionAsync(socket, id);
        }
    }

    private async Task ServeConnectionAsync(Socket socket, int id)
    {
        // A connection ends when the client closes it, the script says so, or the server stops: never with an exception.
        try
        {
            using (socket)
            {
                var network = new NetworkStream(socket, ownsSocket: false);
                var stream = _certificate is null ? (Stream)network : new SslStream(network, leaveInnerStreamOpen: false);
                await using (stream)
                {
                    if (stream is SslStream tls)
                    {
                        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
                    }

                    var pending = new List<byte>();
                    while (await ReadRequestAsync(stream, pending, id) is { } request)
                    {
                        Requests.Enqueue(request);
                        var reply = _reply(request);
                        await stream.WriteAsync(reply.Bytes, _stop.Token);
                        await stream.FlushAsync(_stop.Token);
                        if (!reply.KeepAlive)
                        {
                            break;
                        }
                    }

                    socket.Shutdown(SocketShutdown.Send);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
        }
        finally
        {
            _connections.TryRemove(id, out _);
        }
    }

    /// <summary>Reads one request head (GETs carry no body); null when the client closed the connection first.</summary>
    private async Task<RawRequest?> ReadRequestAsync(Stream stream, List<byte> pending, int connection)
    {
        var buffer = new byte[4096];
        while (true)
        {
            var end = IndexOfHeadEnd(pending);
            if (end >= 0)
            {
                var head = Encoding.Latin1.GetString(pending.GetRange(0, end).ToArray());
                pending.RemoveRange(0, end + 4);
                var lines = head.Split("\r\n");
                var parts = lines[0].Split(' ');
                var headers = lines.Skip(1)
                    .Select(line => line.Split(':', 2))
                    .Where(pair => pair.Length == 2)
                    .Select(pair => KeyValuePair.Create(pair[0].Trim(), pair[1].Trim()))
                    .ToList();
                return new RawRequest(connection, parts[0], parts.Length > 1 ? parts[1] : string.Empty, headers);
            }

            if (pending.Count > MaxHead)
            {
                return null;
            }

            var read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                return null;
            }

            pending.AddRange(buffer.AsSpan(0, read));
        }
    }

    private static int IndexOfHeadEnd(List<byte> bytes)
    {
        for (var i = 0; i + 3 < bytes.Count; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }
}
