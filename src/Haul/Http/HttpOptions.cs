namespace Haul.Http;

/// <summary>
/// How requests are made beyond the URL: extra headers, the Referer, cookies, credentials,
/// proxies and TLS trust. Every request of a run (files, crawled pages, robots.txt) gets them.
/// </summary>
public sealed record HttpOptions
{
    /// <summary>Headers sent with every request, in order (<c>--header</c>). A later header replaces an earlier one of the same name.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>
    /// <c>X-Robots-Tag</c> directives (such as <c>noai</c>, <c>noimageai</c>) that refuse a successful
    /// reply: the download fails with kind <c>scope</c> and its body is not read. A directive counts when
    /// it is written for every robot or for <c>haul</c> or <c>img2dataset</c> (<c>img2dataset: noai</c>).
    /// Empty (the default) honours none.
    /// </summary>
    public IReadOnlyList<string> DisallowedHeaderDirectives { get; init; } = [];

    /// <summary>
    /// The <c>Referer</c> sent with every request; <c>*</c> means the page a crawled picture was found
    /// on, or for other requests the URL itself (as aria2 does). Null sends none.
    /// </summary>
    public string? Referer { get; init; }

    /// <summary>A Netscape/Mozilla <c>cookies.txt</c> to start the cookie jar from; null starts it empty.</summary>
    public string? LoadCookiesFile { get; init; }

    /// <summary>Where the cookie jar is written (<c>cookies.txt</c> format) when a run ends; null keeps it in memory only.</summary>
    public string? SaveCookiesFile { get; init; }

    /// <summary>The user name for HTTP Basic authentication, sent only to the host each request was made for.</summary>
    public string? User { get; init; }

    /// <summary>The password that goes with <see cref="User"/>.</summary>
    public string? Password { get; init; }

    /// <summary>Look credentials up in a <c>.netrc</c> file by host when <see cref="User"/> is not set.</summary>
    public bool UseNetrc { get; init; }

    /// <summary>The <c>.netrc</c> file to read when <see cref="UseNetrc"/> is on; null means <c>~/.netrc</c>.</summary>
    public string? NetrcFile { get; init; }

    /// <summary>The proxy for <c>http://</c> URLs: <c>http://[user:pass@]host:port</c> or <c>socks5://host:port</c>; null connects directly.</summary>
    public string? HttpProxy { get; init; }

    /// <summary>The proxy for <c>https://</c> URLs (tunnelled with CONNECT through an HTTP proxy); null connects directly.</summary>
    public string? HttpsProxy { get; init; }

    /// <summary>
    /// Hosts reached without a proxy, comma-separated like <c>NO_PROXY</c>: a name also covers its
    /// subdomains (<c>example.org</c>, <c>.example.org</c>), an IP address or CIDR range its
    /// addresses, <c>host:port</c> one port only, and <c>*</c> every host.
    /// </summary>
    public string? NoProxy { get; init; }

    /// <summary>Accept any server certificate. Only for servers you know; the connection is then open to interception.</summary>
    public bool Insecure { get; init; }

    /// <summary>A PEM (or DER) file of certificates trusted as roots in addition to the system's.</summary>
    public string? CaCertificateFile { get; init; }
}
