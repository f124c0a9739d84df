using System.Net.WebSockets;
using System.Threading.Channels;

namespace Haul.Cli.Serve;

/// <summary>
/// One WebSocket client: one message goes out at a time. A reply is sent as soon as the socket is
/// free and never dropped; notifications wait in a queue of their own, and a client that stops
/// reading loses its oldest notifications, never a reply and never the daemon's memory.
/// </summary>
internal sealed class WebSocketPeer(WebSocket socket, TimeSpan writeTimeout)
{
    private const int Backlog = 4096;

    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly Channel<byte[]> _notifications = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(Backlog) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });

    /// <summary>Queues a notification.</summary>
    public void Send(byte[] message) => _notifications.Writer.TryWrite(message);

    /// <summary>Sends a reply and waits until it is sent (or the connection is gone).</summary>
    public Task SendNowAsync(byte[] message, CancellationToken token) => SendAsync(message, token);

    public async Task CloseAsync(WebSocketCloseStatus status, CancellationToken token)
    {
        Complete();
        await _sending.WaitAsync(token);
        try
        {
            await socket.CloseOutputAsync(status, null, token);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            // Gone already.
        }
        finally
        {
            _sending.Release();
        }
    }

    public void Complete() => _notifications.Writer.TryComplete();

    public void Abort()
    {
        Complete();
        socket.Abort();
    }

    /// <summary>Sends the queued notifications until <see cref="Complete"/> or the connection ends.</summary>
    public async Task RunAsync(CancellationToken token)
    {
        try
        {
            await foreach (var message in _notifications.Reader.ReadAllAsync(token))
            {
                await SendAsync(message, token);
            }
        }
        catch (OperationCanceledException)
        {
            // The daemon stops.
        }
    }

    private async Task SendAsync(byte[] message, CancellationToken token)
    {
        try
        {
            await _sending.WaitAsync(token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            if (socket.State == WebSocketState.Open)
            {
                // A client that takes nothing for this long holds a slot for no one: it is cut off.
                using var timer = CancellationTokenSource.CreateLinkedTokenSource(token);
                timer.CancelAfter(writeTimeout);
                await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, timer.Token);
            }
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            // The write timed out: the connection is cut, its receive side ends with it.
            socket.Abort();
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the daemon stops: the receive side sees it too.
        }
        finally
        {
            _sending.Release();
        }
    }
}
