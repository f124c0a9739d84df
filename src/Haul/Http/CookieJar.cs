namespace Haul.Http;

/// <summary>
/// The cookies of a run, shared by all its requests: read from a <c>cookies.txt</c>, updated by
/// <c>Set-Cookie</c> replies, sent back by domain, path and scheme as a browser would.
/// </summary>
internal sealed class CookieJar
{
    private const int MaxCookies = 10_000;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Domain, string Path, string Name), StoredCookie> _cookies = [];
    private readonly List<(string Domain, string Path, string Name)> _order = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _cookies.Count;
            }
        }
    }

    public void Add(StoredCookie cookie, DateTimeOffset now)
    {
        var key = (cookie.Domain, cookie.Path, cookie.Name);
        lock (_lock)
        {
            if (cookie.IsExpired(now))
            {
                // An expiry in the past is how a server deletes a cookie.
                if (_cookies.Remove(key))
                {
                    _order.Remove(key);
                }

                return;
            }

            if (!_cookies.ContainsKey(key))
            {
                if (_cookies.Count >= MaxCookies)
                {
                    _cookies.Remove(_order[0]);
                    _order.RemoveAt(0);
                }

                _order.Add(key);
            }

            _cookies[key] = cookie;
        }
    }

    /// <summary>Stores what the <c>Set-Cookie</c> headers of a reply from <paramref name="uri"/> set.</summary>
    public void Store(Uri uri, IEnumerable<string> setCookieHeaders, DateTimeOffset now)
    {
        foreach (var header in setCookieHeaders)
        {
            if (SetCookieParser.Parse(header, uri, now) is { } cookie)
            {
                Add(cookie, now);
            }
        }
    }

    /// <summary>The <c>Cookie</c> header value for a request to <paramref name="uri"/>, or null when no cookie applies.</summary>
    public string? HeaderFor(Uri uri, DateTimeOffset now)
    {
        List<StoredCookie> matching;
        lock (_lock)
        {
            // Longer paths first, then the order they were set in (RFC 6265 §5.4).
            matching = [.. _order.Select(key => _cookies[key]).Where(cookie => !cookie.IsExpired(now) && cookie.Matches(uri))];
        }

        if (matching.Count == 0)
        {
            return null;
        }

        return string.Join("; ", matching.OrderByDescending(cookie => cookie.Path.Length).Select(cookie => $"{cookie.Name}={cookie.Value}"));
    }

    /// <summary>The cookies that have not expired, in the order they were set.</summary>
    public IReadOnlyList<StoredCookie> Snapshot(DateTimeOffset now)
    {
        lock (_lock)
        {
            return [.. _order.Select(key => _cookies[key]).Where(cookie => !cookie.IsExpired(now))];
        }
    }
}
