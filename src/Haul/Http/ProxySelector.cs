using System.Net;

namespace Haul.Http;

/// <summary>
/// Picks the proxy for each request: one for <c>http://</c>, one for <c>https://</c>, none for the
/// hosts of the no-proxy list. Credentials in a proxy URL are taken out of it (so that no error
/// message can show them) and given to the handler only when the proxy asks.
/// </summary>
internal sealed class ProxySelector : IWebProxy
{
    private readonly Uri? _http;
    private readonly Uri? _https;
    private readonly NoProxyList _bypass;
    private readonly ProxyCredentials _credentials = new();

    public ProxySelector(string? httpProxy, string? httpsProxy, string? noProxy)
    {
        _http = Parse(httpProxy, "the http proxy");
        _https = Parse(httpsProxy, "the https proxy");
        _bypass = NoProxyList.Parse(noProxy);
    }

    /// <summary>Whether any request goes through a proxy at all.</summary>
    public bool IsActive => _http is not null || _https is not null;

    public ICredentials? Credentials
    {
        get => _credentials;
        set { }
    }

    public Uri? GetProxy(Uri destination) => IsBypassed(destination)
        ? null
        : destination.Scheme == Uri.UriSchemeHttps ? _https : _http;

    public bool IsBypassed(Uri host) =>
        (host.Scheme == Uri.UriSchemeHttps ? _https : _http) is null || _bypass.Contains(host);

    /// <summary>The proxy a URL is fetched through, for display; never with credentials.</summary>
    public static string? Describe(string? proxy) => proxy is null ? null : Strip(proxy);

    private Uri? Parse(string? text, string what)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text.Trim() : "http://" + text.Trim();
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) || uri.IdnHost.Length == 0)
        {
            throw new ArgumentException($"{what} '{Strip(text)}' is not a URL such as http://host:3128 or socks5://host:1080.");
        }

        var scheme = uri.Scheme.ToLowerInvariant() switch
        {
            "http" or "https" or "socks4" or "socks4a" or "socks5" => uri.Scheme.ToLowerInvariant(),
            // .NET's SOCKS5 sends the host name for the proxy to resolve: what socks5h asks for.
            "socks5h" => "socks5",
            _ => throw new ArgumentException($"{what} '{Strip(text)}' has scheme '{uri.Scheme}'; use http://, https://, socks4://, socks4a:// or socks5://."),
        };

        var port = uri.IsDefaultPort && scheme.StartsWith("socks", StringComparison.Ordinal) ? 1080 : uri.Port;
        var proxy = new UriBuilder(scheme, uri.Host, port).Uri;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            var user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            var password = colon < 0 ? string.Empty : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            _credentials.Add(proxy, new NetworkCredential(user, password));
        }

        return proxy;
    }

    private static string Strip(string text)
    {
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        var start = scheme < 0 ? 0 : scheme + 3;
        var at = text.LastIndexOf('@');
        return at < start ? text : text[..start] + "****@" + text[(at + 1)..];
    }

    /// <summary>Each proxy's own credentials, so that one proxy never sees another's.</summary>
    private sealed class ProxyCredentials : ICredentials
    {
        private readonly Dictionary<string, NetworkCredential> _byProxy = new(StringComparer.OrdinalIgnoreCase);

        public void Add(Uri proxy, NetworkCredential credential) => _byProxy[Key(proxy)] = credential;

        public NetworkCredential? GetCredential(Uri uri, string authType) =>
            _byProxy.TryGetValue(Key(uri), out var credential) ? credential : null;

        private static string Key(Uri uri) => $"{uri.Scheme}://{uri.IdnHost}:{uri.Port}";
    }
}
