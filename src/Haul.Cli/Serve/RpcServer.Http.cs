using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Haul.Cli.Serve;

internal sealed partial class RpcServer
{
    private const string RpcPath = "/jsonrpc";

    private async Task ServeAsync(TcpClient client, CancellationToken token)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var buffer = new byte[MaxHead];
                var filled = 0;
                while (true)
                {
                    int head;
                    int used;
                    using (var headTimer = CancellationTokenSource.CreateLinkedTokenSource(token))
                    {
                        headTimer.CancelAfter(HeadTimeout);
                        (head, used) = await HttpHeadReader.ReadAsync(stream, buffer, filled, headTimer.Token);
                    }

                    if (head < 0)
                    {
                        if (used == MaxHead)
                        {
                            await WriteAsync(stream, HttpReply.Text(431, "request head too large"), keepAlive: false, token);
                        }

                        return;
                    }

                    var request = HttpHead.Parse(buffer.AsSpan(0, head));
                    var rest = used - head - 4;
                    buffer.AsSpan(head + 4, rest).CopyTo(buffer);
                    filled = rest;
                    if (request is null)
                    {
                        await WriteAsync(stream, HttpReply.Text(400, "bad request"), keepAlive: false, token);
                        return;
                    }

                    if (Refusal(request) is { } refused)
                    {
                        await WriteAsync(stream, refused, keepAlive: false, token);
                        return;
                    }

                    if (request.Path == RpcPath && request.Method == "GET" && IsWebSocketUpgrade(request))
                    {
                        await ServeWebSocketAsync(stream, request, buffer.AsMemory(0, filled), token);
                        return;
                    }

                    if (request.Method != "POST" && (request.Header("Transfer-Encoding") is not null || request.Header("Content-Length") is { } announced && announced != "0"))
                    {
                        // A body nothing here reads would be taken for the next request: refused, connection closed.
                        await WriteAsync(stream, HttpReply.Text(400, "only POST takes a request body"), keepAlive: false, token);
                        return;
                    }

                    byte[] body = [];
                    if (request.Method == "POST")
                    {
                        if (request.Header("Transfer-Encoding") is not null)
                        {
                            await WriteAsync(stream, HttpReply.Text(411, "a request body needs Content-Length"), keepAlive: false, token);
                            return;
                        }

                        if (!long.TryParse(request.Header("Content-Length") ?? "0", NumberStyles.None, CultureInfo.InvariantCulture, out var length))
                        {
                            await WriteAsync(stream, HttpReply.Text(400, "bad Content-Length"), keepAlive: false, token);
                            return;
                        }

                        if (length > _settings.MaxRequestSize)
                        {
                            // Refused from its announced length: not one byte of it is read.
                            await WriteAsync(stream, HttpReply.Text(413, "request body too large"), keepAlive: false, token);
                            return;
                        }

                        body = new byte[length];
                        var have = Math.Min(filled, (int)length);
                        buffer.AsSpan(0, have).CopyTo(body);
                        buffer.AsSpan(have, filled - have).CopyTo(buffer);
                        filled -= have;
                        using var bodyTimer = CancellationTokenSource.CreateLinkedTokenSource(token);
                        bodyTimer.CancelAfter(BodyTimeout);
                        await stream.ReadExactlyAsync(body.AsMemory(have), bodyTimer.Token);
                    }

                    var reply = Route(request, body);
                    await WriteAsync(stream, reply, request.KeepAlive, token, head: request.Method == "HEAD");
                    reply.AfterSent?.Invoke();
                    if (!request.KeepAlive)
                    {
                        client.Client.Shutdown(SocketShutdown.Send);
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or EndOfStreamException)
            {
                // The client went away, stalled past a timeout, or the server stops: nothing to answer.
            }
        }
    }

    private HttpReply Route(HttpHead request, byte[] body)
    {
        if (request.Path == RpcPath)
        {
            return request.Method switch
            {
                "POST" => Rpc(_dispatcher.Handle(body, out var shutdown, out var status), status, shutdown),
                "GET" => Rpc(_dispatcher.HandleQuery(request.QueryValue("method"), request.QueryValue("id"), request.QueryValue("params"), out var shutdown, out var status), status, shutdown),
                "OPTIONS" => Preflight(),
                _ => HttpReply.Text(405, "method not allowed"),
            };
        }

        if (request.Method is not ("GET" or "HEAD"))
        {
            return HttpReply.Text(405, "method not allowed");
        }

        return WebAssets.Find(request.Path) is { } asset
            ? new HttpReply(200, asset.ContentType, asset.Bytes, WebAssets.SecurityHeaders)
            : HttpReply.Text(404, "not found");
    }

    private HttpReply Rpc(byte[] reply, int status, bool shutdown) =>
        new(status, "application/json-rpc", reply, CorsHeaders()) { AfterSent = shutdown ? OnShutdownRequested : null };

    private void OnShutdownRequested() => ShutdownRequested?.Invoke();

    /// <summary>The browser's CORS preflight: answered only when other origins are allowed (it never gets this far otherwise).</summary>
    private HttpReply Preflight() => new(200, "text/plain", [], [
        .. CorsHeaders(),
        ("Access-Control-Allow-Methods", "POST, GET, OPTIONS"),
        ("Access-Control-Allow-Headers", "Content-Type"),
        ("Access-Control-Max-Age", "1728000"),
    ]);

    private (string, string)[] CorsHeaders() => _settings.AllowOriginAll ? [("Access-Control-Allow-Origin", "*")] : [];

    /// <summary>
    /// Why this request is refused, or null. Without <c>--rpc-listen-all</c> the Host must name the
    /// loopback (a page on a rebound host name reaches 127.0.0.1 with its own name in Host). A browser's
    /// request from another origin is refused unless <c>--rpc-allow-origin-all</c>.
    /// </summary>
    private HttpReply? Refusal(HttpHead request)
    {
        var host = request.Header("Host");
        if (host is null)
        {
            return HttpReply.Text(400, "no Host header");
        }

        if (!_settings.ListenAll && !IsLoopbackHost(host))
        {
            return HttpReply.Text(403, "this daemon answers only to 127.0.0.1 and localhost");
        }

        if (_settings.AllowOriginAll)
        {
            return null;
        }

        // A browser names where a request comes from in Sec-Fetch-Site even when it sends no Origin
        // (a GET for a picture's address): another site's page is refused, whatever it asks for. Only
        // following a link to the web page itself is let through: the page then runs as its own origin.
        var origin = request.Header("Origin");
        var site = request.Header("Sec-Fetch-Site");
        var crossSite = site is not null && (site.Equals("cross-site", StringComparison.OrdinalIgnoreCase) || site.Equals("same-site", StringComparison.OrdinalIgnoreCase))
            && !(request.Path != RpcPath && string.Equals(request.Header("Sec-Fetch-Mode"), "navigate", StringComparison.OrdinalIgnoreCase));
        if (crossSite || (origin is not null && !string.Equals(origin, $"http://{host}", StringComparison.OrdinalIgnoreCase)))
        {
            const string Refused = "cross-origin request refused (start haul serve with --rpc-allow-origin-all to allow it)";
            return request.Path == RpcPath
                ? new HttpReply(403, "application/json-rpc", RpcDispatcher.FailureReply(Refused), [])
                : HttpReply.Text(403, Refused);
        }

        return null;
    }

    private static bool IsLoopbackHost(string host)
    {
        var name = host.StartsWith('[') ? host[..(host.IndexOf(']', StringComparison.Ordinal) + 1)] : host.Split(':')[0];
        return name is "127.0.0.1" or "localhost" or "[::1]";
    }

    private static async Task WriteAsync(NetworkStream stream, HttpReply reply, bool keepAlive, CancellationToken token, bool head = false)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {reply.Status} {Reason(reply.Status)}\r\n");
        text.Append(CultureInfo.InvariantCulture, $"Content-Type: {reply.ContentType}\r\n");
        text.Append(CultureInfo.InvariantCulture, $"Content-Length: {reply.Body.Length}\r\n");
        text.Append("Cache-Control: no-cache\r\n");
        foreach (var (name, value) in reply.Headers)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        text.Append(keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text.ToString()), token);
        if (!head && reply.Body.Length > 0)
        {
            await stream.WriteAsync(reply.Body, token);
        }
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        _ => "Error",
    };
}
