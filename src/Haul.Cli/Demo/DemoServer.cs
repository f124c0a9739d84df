using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Haul.Cli.Demo;

/// <summary>
/// A small HTTP/1.1 server on 127.0.0.1 for the demo site: keep-alive connections, one request at
/// a time each, answers made by a handler. Disposing it stops listening and closes every connection.
/// </summary>
internal sealed class DemoServer : IAsyncDisposable
{
    private const int MaxHead = 16 * 1024;
    private const int PaceChunk = 64 * 1024;
    private static readonly TimeSpan PaceDelay = TimeSpan.FromMilliseconds(30);

    private readonly TcpListener _listener;
    private readonly Func<DemoRequest, DemoResponse> _handler;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, TcpClient> _connections = new();
    private readonly Task _accepting;

    private DemoServer(TcpListener listener, Func<DemoRequest, DemoResponse> handler)
    {
        _listener = listener;
        _handler = handler;
        BaseUri = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri BaseUri { get; }

    public static DemoServer Start(Func<DemoRequest, DemoResponse> handler)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new DemoServer(listener, handler);
    }

    private async Task AcceptAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            client.NoDelay = true;
            var connection = Task.Run(() => ServeAsync(client, token), CancellationToken.None);
            _connections[connection] = client;
            _ = connection.ContinueWith(done => _connections.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

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
                    var (head, used) = await HttpHeadReader.ReadAsync(stream, buffer, filled, token);
                    if (head < 0)
                    {
                        if (used == MaxHead)
                        {
                            await WriteAsync(stream, DemoResponse.Empty(431), keepAlive: false, token);
                        }

                        return;
                    }

                    var request = DemoRequest.Parse(buffer.AsSpan(0, head));
                    var rest = used - head - 4;
                    buffer.AsSpan(head + 4, rest).CopyTo(buffer);
                    filled = rest;
                    if (request is null)
                    {
                        await WriteAsync(stream, DemoResponse.Empty(400), keepAlive: false, token);
                        return;
                    }

                    var response = _handler(request);
                    var keepAlive = request.KeepAlive && response.SendBytes == response.Body.Length;
                    var sent = await WriteAsync(stream, response, keepAlive, token, head: request.Method == "HEAD");
                    if (!sent)
                    {
                        // The fault: part of the body, then the connection is reset.
                        client.Client.LingerState = new LingerOption(true, 0);
                        return;
                    }

                    if (!keepAlive)
                    {
                        client.Client.Shutdown(SocketShutdown.Send);
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away or the server stops: nothing to answer.
            }
        }
    }

    /// <summary>Writes the head and the body's first <see cref="DemoResponse.SendBytes"/>; false when that was not all of it.</summary>
    private static async Task<bool> WriteAsync(NetworkStream stream, DemoResponse response, bool keepAlive, CancellationToken token, bool head = false)
    {
        await stream.WriteAsync(response.Head(keepAlive), token);
        if (head)
        {
            return true;
        }

        var body = response.Body[..response.SendBytes];
        var chunk = response.Paced ? PaceChunk : Math.Max(1, body.Length);
        for (var offset = 0; offset < body.Length; offset += chunk)
        {
            await stream.WriteAsync(body.Slice(offset, Math.Min(chunk, body.Length - offset)), token);
            if (response.Paced)
            {
                await Task.Delay(PaceDelay, token);
            }
        }

        return response.SendBytes == response.Body.Length;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        foreach (var client in _connections.Values)
        {
            client.Dispose();
        }

        await Task.WhenAll(_connections.Keys);
        _stopping.Dispose();
    }
}
