using System.Net.Sockets;

namespace Haul.Http;

/// <summary>
/// Dresses every request of a run before it leaves (headers, Referer, cookies, Basic credentials)
/// and takes the cookies of every reply, redirects included. Credentials — the login, a
/// <c>.netrc</c> entry, an <c>Authorization</c> or <c>Cookie</c> header — go only to the origin
/// (scheme, host, port) the download was asked of: after a redirect elsewhere they are left off, as curl does.
/// </summary>
internal sealed class SessionHandler(
    HttpOptions options,
    NetworkLogin? login,
    Netrc? netrc,
    CookieJar? cookies,
    TimeProvider timeProvider,
    HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _namedOrigins = new(StringComparer.OrdinalIgnoreCase);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, NetworkLogin> _originLogins = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The crawl's start pages: their origins are the user's to authenticate to.</summary>
    public void AddNamedOrigins(IEnumerable<Uri> origins)
    {
        foreach (var origin in origins)
        {
            _namedOrigins.TryAdd(OriginKey(origin), 0);
        }
    }

    /// <summary>A crawl's start page written with a password: its origin's pages and pictures are fetched with it.</summary>
    public void AddOriginLogin(Uri origin, NetworkLogin originLogin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(originLogin);
        _namedOrigins.TryAdd(OriginKey(origin), 0);
        _originLogins.TryAdd(OriginKey(origin), originLogin);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        if (IsReservedInvalid(uri.IdnHost))
        {
            // Through a proxy the name would be the proxy's to resolve; .invalid must never reach DNS.
            throw new HttpRequestException(HttpRequestError.NameResolutionError, $"'{uri.IdnHost}' is a reserved invalid name.", new SocketException((int)SocketError.HostNotFound));
        }

        var context = RequestContext.Of(request);
        var origin = OriginKey(uri);
        var sameOrigin = context is null || ReferenceEquals(context.Origin, uri) || origin == OriginKey(context.Origin);
        var trusted = context is { NamedByUser: true } ? sameOrigin : sameOrigin && _namedOrigins.ContainsKey(origin);
        var redirected = !sameOrigin;

        SetHeaders(request, options.Headers, trusted);
        if (context is not null)
        {
            SetHeaders(request, context.Headers, trusted);
        }

        if (options.Referer is { } referer && !request.Headers.Contains("Referer"))
        {
            request.Headers.TryAddWithoutValidation("Referer", referer == "*" ? context?.Page ?? (context?.Origin ?? uri).AbsoluteUri : referer);
        }

        if (!request.Headers.Contains("Authorization") && Login(uri, origin, context, trusted, redirected) is { } credentials)
        {
            request.Headers.TryAddWithoutValidation("Authorization", credentials.BasicHeader());
        }

        var now = timeProvider.GetUtcNow();
        if (cookies?.HeaderFor(uri, now) is { } jarCookies)
        {
            var given = request.Headers.TryGetValues("Cookie", out var values) ? string.Join("; ", values) : null;
            request.Headers.Remove("Cookie");
            request.Headers.TryAddWithoutValidation("Cookie", given is null ? jarCookies : $"{given}; {jarCookies}");
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (cookies is not null && response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            cookies.Store(uri, setCookies, timeProvider.GetUtcNow());
        }

        return response;
    }

    /// <summary>
    /// The URL's own user and password go to its own origin only, and win there (they are the most
    /// specific); a crawl start page's to that origin. The login given for the run goes to the
    /// user's own origins only; a <c>.netrc</c> entry to its own host, unless the request got
    /// there by a redirect from another origin.
    /// </summary>
    private NetworkLogin? Login(Uri uri, string origin, RequestContext? context, bool trusted, bool redirected)
    {
        if (context?.Login is { } own && !redirected)
        {
            return own;
        }

        if (trusted && _originLogins.TryGetValue(origin, out var originLogin))
        {
            return originLogin;
        }

        if (login is not null)
        {
            return trusted ? login : null;
        }

        return redirected ? null : netrc?.Find(uri.IdnHost);
    }

    private static void SetHeaders(HttpRequestMessage request, IReadOnlyList<KeyValuePair<string, string>> headers, bool trusted)
    {
        foreach (var (name, value) in headers)
        {
            if (HeaderLine.IsCredential(name) && !trusted)
            {
                continue;
            }

            request.Headers.Remove(name);
            if (value.Length > 0)
            {
                // An empty value removes the header, as curl's "-H 'Name:'" does.
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
    }

    internal static string OriginKey(Uri uri) => $"{uri.Scheme}://{uri.IdnHost}:{uri.Port}".ToLowerInvariant();

    internal static bool IsReservedInvalid(string host)
    {
        host = host.TrimEnd('.');
        return host.Equals("invalid", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".invalid", StringComparison.OrdinalIgnoreCase);
    }
}
