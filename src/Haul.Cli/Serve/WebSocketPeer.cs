using System.Net.WebSockets;
using System.Threading.Channels;

namespace Haul.Cli.Serve;

/// <summary>
/// One WebSocket client: replies and notifications go out one at a time, in order, from one
/// queue. A client that stops reading loses its oldest notifications, never the daemon's memory.
/// </summary>
internal sealed class WebSocketPeer(WebSocket socket)
{
    private const int Backlog = 4096;

    private readonly Channel<(byte[] Message, TaskCompletionSource? Sent)> _outgoing = Channel.CreateBounded<(byte[], TaskCompletionSource?)>(
        new BoundedChannelOptions(Backlog) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });

    /// <summary>Queues a notification.</summary>
    public void Send(byte[] message) => _outgoing.Writer.TryWrite((message, null));

    /// <summary>Queues a reply and waits until it is sent (or the connection is gone).</summary>
    public async Task SendNowAsync(byte[] message, CancellationToken token)
    {
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_outgoing.Writer.TryWrite((message, sent)))
        {
            await sent.Task.WaitAsync(token);
        }
    }

    public async Task CloseAsync(WebSocketCloseStatus status, CancellationToken token)
    {
        Complete();
        try
        {
            await socket.CloseOutputAsync(status, null, token);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            // Gone already.
        }
    }

    public void Complete() => _outgoing.Writer.TryComplete();

    public void Abort()
    {
        Complete();
        socket.Abort();
    }

    public async Task RunAsync(CancellationToken token)
    {
        try
        {
            await foreach (var (message, sent) in _outgoing.Reader.ReadAllAsync(token))
            {
                if (socket.State != WebSocketState.Open)
                {
                    sent?.TrySetResult();
                    continue;
                }

                await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, token);
                sent?.TrySetResult();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the daemon stops.
        }
        finally
        {
            while (_outgoing.Reader.TryRead(out var left))
            {
                left.Sent?.TrySetResult();
            }
        }
    }
}
