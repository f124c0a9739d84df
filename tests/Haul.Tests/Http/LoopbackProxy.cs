using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Haul.Tests.Http;

/// <summary>
/// A small HTTP proxy of our own on 127.0.0.1, port 0: plain requests in absolute form are sent on
/// (one per connection), CONNECT opens a tunnel. It only ever connects to loopback addresses, and
/// records every request line and header it was given, so that tests can count what went through it.
/// </summary>
public sealed class LoopbackProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly string? _requiredAuthorization;

    private LoopbackProxy(string? user, string? password)
    {
        _requiredAuthorization = user is null ? null : "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        _listener.Start();
        _accepting = ProxyRelay.AcceptAsync(_listener, ServeAsync, _stop.Token);
    }

    /// <summary>Starts a proxy; with a user, it answers 407 until a request carries that login.</summary>
    public static LoopbackProxy Start(string? user = null, string? password = null) => new(user, password);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Each request the proxy was asked to carry: its first line and its headers.</summary>
    public ConcurrentQueue<(string Line, IReadOnlyDictionary<string, string> Headers)> Requests { get; } = new();

    /// <summary>Requests it carried to the server (not refused for want of a login).</summary>
    public int Forwarded => _forwarded;

    private int _forwarded;

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                while (await ProxyRelay.ReadHeadAsync(stream, _stop.Token) is { } head)
                {
                    var lines = head.Split("\r\n", StringSplitOptions.None);
                    var headers = lines.Skip(1).Where(line => line.Contains(':', StringComparison.Ordinal))
                        .Select(line => (Name: line[..line.IndexOf(':', StringComparison.Ordinal)].Trim(), Value: line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()))
                        .GroupBy(header => header.Name, StringComparer.OrdinalIgnoreCase)
                        .ToDictionary(group => group.Key, group => group.Last().Value, StringComparer.OrdinalIgnoreCase);
                    Requests.Enqueue((lines[0], headers));

                    if (_requiredAuthorization is not null
                        && (!headers.TryGetValue("Proxy-Authorization", out var given) || given != _requiredAuthorization))
                    {
                        await stream.WriteAsync("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), _stop.Token);
                        continue;
                    }

                    var parts = lines[0].Split(' ');
                    if (parts[0] == "CONNECT")
                    {
                        await TunnelAsync(stream, parts[1]);
                    }
                    else
                    {
                        await ForwardAsync(stream, parts, lines.Skip(1).TakeWhile(line => line.Length > 0));
                    }

                    return;
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    private async Task TunnelAsync(NetworkStream client, string authority)
    {
        var target = await ProxyRelay.ConnectLoopbackAsync(authority, _stop.Token);
        if (target is null)
        {
            await client.WriteAsync("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), _stop.Token);
            return;
        }

        Interlocked.Increment(ref _forwarded);
        using (target)
        {
            await client.WriteAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray(), _stop.Token);
            await ProxyRelay.PipeAsync(client, target.GetStream(), _stop.Token);
        }
    }

    private async Task ForwardAsync(NetworkStream client, string[] requestLine, IEnumerable<string> headerLines)
    {
        var uri = new Uri(requestLine[1]);
        var target = await ProxyRelay.ConnectLoopbackAsync($"{uri.Host}:{uri.Port}", _stop.Token);
        if (target is null)
        {
            await client.WriteAsync("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), _stop.Token);
            return;
        }

        Interlocked.Increment(ref _forwarded);
        using (target)
        {
            // One request a connection: the server closes after answering, and so does the proxy.
            var head = new StringBuilder($"{requestLine[0]} {uri.PathAndQuery} {requestLine[2]}\r\n");
            foreach (var line in headerLines.Where(line => !line.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase) && !line.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase)))
            {
                head.Append(line).Append("\r\n");
            }

            head.Append("Connection: close\r\n\r\n");
            var server = target.GetStream();
            await server.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stop.Token);
            await server.CopyToAsync(client, _stop.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
