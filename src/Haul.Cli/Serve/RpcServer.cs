using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Haul.Cli.Serve;

/// <summary>
/// The daemon's own HTTP/1.1 server (no ASP.NET Core): <c>/jsonrpc</c> over POST, GET and
/// WebSocket, and the web page from embedded files. It guards itself: a head must arrive whole
/// within <see cref="HeadTimeout"/> and fit in <see cref="MaxHead"/>, a body over the request size
/// limit is refused before it is read, connections are capped, and browsers from other origins
/// (or pages reaching it through a rebound host name) are refused unless allowed.
/// </summary>
internal sealed partial class RpcServer : IAsyncDisposable
{
    public const int MaxHead = 16 * 1024;
    public const int MaxConnections = 256;

    /// <summary>Connections one address may hold at once, so that one client cannot take them all.</summary>
    public const int MaxConnectionsPerAddress = 64;
    public static readonly TimeSpan HeadTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan BodyTimeout = TimeSpan.FromSeconds(60);

    private readonly TcpListener _listener;
    private readonly RpcDispatcher _dispatcher;
    private readonly ServeSettings _settings;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, TcpClient> _connections = new();
    private readonly ConcurrentDictionary<WebSocketPeer, byte> _peers = new();
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private readonly Task _accepting;

    private RpcServer(TcpListener listener, RpcDispatcher dispatcher, ServeSettings settings)
    {
        _listener = listener;
        _dispatcher = dispatcher;
        _settings = settings;
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    /// <summary>Raised once the reply to <c>aria2.shutdown</c> (or <c>forceShutdown</c>) is sent.</summary>
    public event Action? ShutdownRequested;

    /// <summary>The port bound (the one asked for, or the one the system chose for 0).</summary>
    public int Port { get; }

    /// <summary>Listens on 127.0.0.1 (every interface with <see cref="ServeSettings.ListenAll"/>).</summary>
    /// <exception cref="SocketException">The port is taken or cannot be bound.</exception>
    public static RpcServer Start(ServeSettings settings, RpcDispatcher dispatcher)
    {
        TcpListener listener;
        if (settings.ListenAll)
        {
            listener = new TcpListener(IPAddress.IPv6Any, settings.Port);
            listener.Server.DualMode = true;
        }
        else
        {
            listener = new TcpListener(IPAddress.Loopback, settings.Port);
        }

        try
        {
            listener.Start();
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        return new RpcServer(listener, dispatcher, settings);
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

            var address = AddressOf(client);
            if (_connections.Count >= MaxConnections || !TryTakeSlot(address))
            {
                // A flood: the newest connection is closed at once, the daemon's clients keep theirs.
                client.Dispose();
                continue;
            }

            client.NoDelay = true;
            var connection = Task.Run(() => ServeAsync(client, token), CancellationToken.None);
            _connections[connection] = client;
            _ = connection.ContinueWith(
                done =>
                {
                    _connections.TryRemove(done, out _);
                    ReleaseSlot(address);
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private static IPAddress AddressOf(TcpClient client)
    {
        var address = ((IPEndPoint)client.Client.RemoteEndPoint!).Address;
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    private bool TryTakeSlot(IPAddress address)
    {
        lock (_perAddress)
        {
            var held = _perAddress.GetValueOrDefault(address);
            if (held >= MaxConnectionsPerAddress)
            {
                return false;
            }

            _perAddress[address] = held + 1;
            return true;
        }
    }

    private void ReleaseSlot(IPAddress address)
    {
        lock (_perAddress)
        {
            if (_perAddress.TryGetValue(address, out var held))
            {
                if (held <= 1)
                {
                    _perAddress.Remove(address);
                }
                else
                {
                    _perAddress[address] = held - 1;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        foreach (var peer in _peers.Keys)
        {
            peer.Abort();
        }

        foreach (var client in _connections.Values)
        {
            client.Dispose();
        }

        await Task.WhenAll(_connections.Keys);
        _stopping.Dispose();
    }
}
