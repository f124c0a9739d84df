using System.Net;
using System.Net.Sockets;
using Haul.Http;

namespace Haul.Transfer;

/// <summary>Builds the one <see cref="HttpClient"/> a run shares: pooled connections, no decompression, manual redirects.</summary>
internal static class HttpClientFactory
{
    public static SocketsHttpHandler CreateHandler(DownloadOptions options, ProxySelector proxy, TlsTrust? trust)
    {
        var handler = new SocketsHttpHandler
        {
            // Redirects are followed by the transfer so that loops and limits become typed errors.
            AllowAutoRedirect = false,
            // Bytes are saved as served: a .gz stays a .gz.
            AutomaticDecompression = DecompressionMethods.None,
            // Cookies are the session's (a jar that reads and writes cookies.txt), not the handler's.
            UseCookies = false,
            // Proxies are chosen by the options alone: the library never reads the environment itself.
            UseProxy = proxy.IsActive,
            Proxy = proxy.IsActive ? proxy : null,
            ConnectTimeout = options.ConnectTimeout,
            // --max-per-host counts downloads; a split download uses up to -x connections of its own.
            MaxConnectionsPerServer = options.MaxPerHost * options.Connections,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            EnableMultipleHttp2Connections = true,
            ResponseDrainTimeout = TimeSpan.FromSeconds(1),
            // A head past this (10,000 headers, a 1 MB line) is refused by the handler and fails at once as a protocol error.
            MaxResponseHeadersLength = ResponseFraming.MaxHeadersKiB,
            ConnectCallback = ConnectAsync,
            // The handler turns a bare CR or NUL in a header into a space; the guard sees the raw bytes and refuses them.
            PlaintextStreamFilter = GuardHttp1,
        };

        if (trust is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => trust.Validate(certificate, chain, errors);
        }

        return handler;
    }

    /// <summary>A client with everything the options ask for (headers, cookies, credentials, proxy, TLS trust).</summary>
    public static HttpClient Create(DownloadOptions options) => HttpSession.Create(options, TimeProvider.System).Client;

    public static HttpClient Create(HttpMessageHandler handler, DownloadOptions options)
    {
        var client = new HttpClient(handler, disposeHandler: true)
        {
            // Timeouts are the transfer's job: connect, and idle between bytes. A whole download may take hours.
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", options.UserAgent);
        return client;
    }

    private static ValueTask<Stream> GuardHttp1(SocketsHttpPlaintextStreamFilterContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.NegotiatedHttpVersion.Major == 1 ? new ReplyHeadGuard(context.PlaintextStream) : context.PlaintextStream);

    /// <summary>
    /// Connects like the default handler, except that names under <c>.invalid</c> fail at once
    /// without a DNS query, as RFC 6761 asks of resolver libraries.
    /// </summary>
    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        if (SessionHandler.IsReservedInvalid(context.DnsEndPoint.Host))
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
