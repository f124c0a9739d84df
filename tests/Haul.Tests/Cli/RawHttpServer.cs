using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Haul.Tests.Cli;

/// <summary>
/// An HTTP/1.1 server on 127.0.0.1, port 0, that answers each request path with exact bytes and
/// closes the connection: for replies Kestrel refuses to send, such as control characters in the
/// reason phrase or in a header. It stops itself when disposed.
/// </summary>
public sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, string> _reply;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private RawHttpServer(Func<string, string> reply)
    {
        _reply = reply;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Starts a server; <paramref name="reply"/> maps a request path to the whole response (status line, headers, body).</summary>
    public static RawHttpServer Start(Func<string, string> reply) => new(reply);

    public string Url(string path) => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}{path}";

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
            // Stopping the listener ends the accept loop with one of these.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = new StringBuilder();
                var buffer = new byte[4096];
                while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    head.Append(Encoding.Latin1.GetString(buffer, 0, read));
                }

                var path = head.ToString().Split(' ', 3)[1];
                await stream.WriteAsync(Encoding.Latin1.GetBytes(_reply(path)), _stop.Token);
                await stream.FlushAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
            {
                // The client hung up, or the server is stopping.
            }
        }
    }
}
