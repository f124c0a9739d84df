using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Haul.Tests.Serve;

/// <summary>JSON-RPC over a WebSocket, as AriaNg talks by default: replies matched by id, notifications kept in order.</summary>
public sealed class WsRpcClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<JsonElement> _notifications = Channel.CreateUnbounded<JsonElement>();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly string? _secret;
    private readonly List<JsonElement> _received = [];
    private Task _reading = Task.CompletedTask;
    private int _id;

    private WsRpcClient(string? secret) => _secret = secret;

    public static async Task<WsRpcClient> ConnectAsync(int port, string? secret = null, string? origin = null)
    {
        var client = new WsRpcClient(secret);
        if (origin is not null)
        {
            client._socket.Options.SetRequestHeader("Origin", origin);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await client._socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/jsonrpc"), timeout.Token);
        client._reading = client.ReadAsync();
        return client;
    }

    public async Task<JsonElement> CallAsync(string method, params JsonNode?[] parameters)
    {
        var list = new JsonArray();
        if (_secret is not null && !method.StartsWith("system.", StringComparison.Ordinal))
        {
            list.Add($"token:{_secret}");
        }

        foreach (var parameter in parameters)
        {
            list.Add(parameter?.DeepClone());
        }

        var id = $"ws{Interlocked.Increment(ref _id)}";
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        var call = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = list };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(call.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        return await reply.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async Task<JsonElement> ResultAsync(string method, params JsonNode?[] parameters)
    {
        var reply = await CallAsync(method, parameters);
        if (reply.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException($"{method} failed: {error}");
        }

        return reply.GetProperty("result");
    }

    /// <summary>Waits for the notification <paramref name="method"/> about <paramref name="gid"/>; that gid's notifications up to it, in order.</summary>
    public async Task<List<string>> WaitForNotificationAsync(string method, string gid)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            lock (_received)
            {
                var about = _received.Where(note => note.GetProperty("params")[0].GetProperty("gid").GetString() == gid)
                    .Select(note => note.GetProperty("method").GetString()!).ToList();
                var at = about.IndexOf(method);
                if (at >= 0)
                {
                    return about[..(at + 1)];
                }
            }

            await _notifications.Reader.ReadAsync(timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }

        _socket.Dispose();
        try
        {
            await _reading;
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        while (_socket.State == WebSocketState.Open)
        {
            var received = await _socket.ReceiveAsync(buffer, CancellationToken.None);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            message.Write(buffer, 0, received.Count);
            if (!received.EndOfMessage)
            {
                continue;
            }

            var root = JsonDocument.Parse(message.ToArray()).RootElement.Clone();
            message.SetLength(0);
            if (root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && _pending.TryRemove(id.GetString()!, out var waiter))
            {
                waiter.TrySetResult(root);
            }
            else if (root.TryGetProperty("method", out _))
            {
                lock (_received)
                {
                    _received.Add(root);
                }

                _notifications.Writer.TryWrite(root);
            }
        }
    }
}
