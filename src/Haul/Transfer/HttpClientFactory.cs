using System.Net;

namespace Haul.Transfer;

/// <summary>Builds the one <see cref="HttpClient"/> a run shares: pooled connections, no decompression, manual redirects.</summary>
internal static class HttpClientFactory
{
    public static HttpClient Create(DownloadOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            // Redirects are followed by the transfer so that loops and limits become typed errors.
            AllowAutoRedirect = false,
            // Bytes are saved as served: a .gz stays a .gz.
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = options.ConnectTimeout,
            MaxConnectionsPerServer = options.MaxPerHost,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            EnableMultipleHttp2Connections = true,
            ResponseDrainTimeout = TimeSpan.FromSeconds(1),
        };

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
}
