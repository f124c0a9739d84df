namespace Haul.Http;

/// <summary>One cookie as a browser keeps it (RFC 6265 §5.3): the domain is lower-case, without a leading dot.</summary>
/// <param name="Name">The cookie's name.</param>
/// <param name="Value">Its value, as the server sent it.</param>
/// <param name="Domain">The host, or the parent domain, it belongs to.</param>
/// <param name="HostOnly">Sent to <paramref name="Domain"/> exactly; otherwise to its subdomains too.</param>
/// <param name="Path">Sent for this path and the paths under it.</param>
/// <param name="Secure">Sent over https only.</param>
/// <param name="HttpOnly">Marked HttpOnly by the server (kept for cookies.txt; Haul is no browser).</param>
/// <param name="Expires">Null for a session cookie.</param>
internal sealed record StoredCookie(
    string Name,
    string Value,
    string Domain,
    bool HostOnly,
    string Path,
    bool Secure,
    bool HttpOnly,
    DateTimeOffset? Expires)
{
    public bool IsExpired(DateTimeOffset now) => Expires is { } expires && expires <= now;

    public bool Matches(Uri uri)
    {
        if (Secure && uri.Scheme != Uri.UriSchemeHttps)
        {
            return false;
        }

        return DomainMatches(uri.IdnHost.ToLowerInvariant()) && PathMatches(uri.AbsolutePath);
    }

    private bool DomainMatches(string host) =>
        host == Domain
        || (!HostOnly && host.EndsWith(Domain, StringComparison.Ordinal) && host[^(Domain.Length + 1)] == '.' && !CookieDomain.IsIpAddress(host));

    // RFC 6265 §5.1.4: "/docs" covers "/docs", "/docs/" and "/docs/web", not "/docsearch".
    private bool PathMatches(string requestPath)
    {
        if (requestPath.Length == 0)
        {
            requestPath = "/";
        }

        if (!requestPath.StartsWith(Path, StringComparison.Ordinal))
        {
            return false;
        }

        return requestPath.Length == Path.Length || Path.EndsWith('/') || requestPath[Path.Length] == '/';
    }
}
