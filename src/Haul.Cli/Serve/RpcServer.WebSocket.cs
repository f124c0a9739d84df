using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Haul.Cli.Serve;

internal sealed partial class RpcServer
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(30);

    /// <summary>A client that answers no ping within this long is gone: its connection is closed.</summary>
    private static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A message the client does not take within this long closes its connection.</summary>
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Sends aria2's notification (<c>aria2.onDownloadStart</c>, …) for <paramref name="gid"/> to every WebSocket client.</summary>
    public void Broadcast(string method, string gid)
    {
        using var buffer = new MemoryStream();
        using (var json = RpcJson.Writer(buffer))
        {
            json.WriteStartObject();
            json.WriteString("jsonrpc", "2.0");
            json.WriteString("method", method);
            json.WriteStartArray("params");
            json.WriteStartObject();
            json.WriteString("gid", gid);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        var message = buffer.ToArray();
        foreach (var peer in _peers.Keys)
        {
            peer.Send(message);
        }
    }

    private static bool IsWebSocketUpgrade(HttpHead request) =>
        string.Equals(request.Header("Upgrade"), "websocket", StringComparison.OrdinalIgnoreCase)
        && (request.Header("Connection") ?? string.Empty).Split(',').Any(token => token.Trim().Equals("upgrade", StringComparison.OrdinalIgnoreCase));

    private async Task ServeWebSocketAsync(NetworkStream stream, HttpHead request, ReadOnlyMemory<byte> early, CancellationToken token)
    {
        var key = request.Header("Sec-WebSocket-Key");
        if (key is null || request.Header("Sec-WebSocket-Version") != "13" || !early.IsEmpty)
        {
            await WriteAsync(stream, HttpReply.Text(400, "bad WebSocket handshake"), keepAlive: false, token);
            return;
        }

        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        var cors = _settings.AllowOriginAll ? "Access-Control-Allow-Origin: *\r\n" : string.Empty;
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n{cors}\r\n"), token);
        using var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = KeepAlive, KeepAliveTimeout = KeepAliveTimeout });
        var peer = new WebSocketPeer(socket, WriteTimeout);
        _peers[peer] = 0;
        var sending = peer.RunAsync(token);
        try
        {
            await ReceiveAsync(socket, peer, token);
        }
        finally
        {
            _peers.TryRemove(peer, out _);
            peer.Complete();
            await sending;
        }
    }

    private async Task ReceiveAsync(WebSocket socket, WebSocketPeer peer, CancellationToken token)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (socket.State == WebSocketState.Open)
        {
            var received = await socket.ReceiveAsync(buffer.AsMemory(), token);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await peer.CloseAsync(WebSocketCloseStatus.NormalClosure, token);
                return;
            }

            if (message.Length + received.Count > _settings.MaxRequestSize)
            {
                await peer.CloseAsync(WebSocketCloseStatus.MessageTooBig, token);
                return;
            }

            message.Write(buffer, 0, received.Count);
            if (!received.EndOfMessage)
            {
                continue;
            }

            var reply = _dispatcher.Handle(message.GetBuffer().AsSpan(0, (int)message.Length), out var shutdown);
            message.SetLength(0);
            await peer.SendNowAsync(reply, token);
            if (shutdown)
            {
                OnShutdownRequested();
            }
        }
    }
}
