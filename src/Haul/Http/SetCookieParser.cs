using System.Globalization;

namespace Haul.Http;

/// <summary>Reads a <c>Set-Cookie</c> header the way RFC 6265 §5.2 asks a user agent to.</summary>
internal static class SetCookieParser
{
    private static readonly string[] DateFormats =
    [
        "ddd, dd MMM yyyy HH:mm:ss 'GMT'",
        "ddd, dd-MMM-yyyy HH:mm:ss 'GMT'",
        "dddd, dd-MMM-yy HH:mm:ss 'GMT'",
        "ddd, dd-MMM-yy HH:mm:ss 'GMT'",
        "ddd MMM d HH:mm:ss yyyy",
        "ddd, d MMM yyyy HH:mm:ss 'GMT'",
    ];

    /// <summary>The cookie <paramref name="header"/> sets for a reply from <paramref name="uri"/>, or null when it must be ignored.</summary>
    public static StoredCookie? Parse(string header, Uri uri, DateTimeOffset now)
    {
        var parts = header.Split(';');
        var pair = parts[0];
        var eq = pair.IndexOf('=', StringComparison.Ordinal);
        if (eq < 0)
        {
            return null;
        }

        var name = pair[..eq].Trim();
        var value = pair[(eq + 1)..].Trim();
        if (name.Length == 0)
        {
            return null;
        }

        var host = uri.IdnHost.ToLowerInvariant();
        string? domain = null;
        string? path = null;
        DateTimeOffset? expires = null;
        DateTimeOffset? maxAge = null;
        bool secure = false, httpOnly = false;
        foreach (var attribute in parts.Skip(1))
        {
            var split = attribute.IndexOf('=', StringComparison.Ordinal);
            var key = (split < 0 ? attribute : attribute[..split]).Trim();
            var argument = split < 0 ? string.Empty : attribute[(split + 1)..].Trim();
            switch (key.ToLowerInvariant())
            {
                case "domain" when argument.Length > 0:
                    domain = argument.TrimStart('.').ToLowerInvariant();
                    break;
                case "path" when argument.StartsWith('/'):
                    path = argument;
                    break;
                case "expires" when TryParseDate(argument, out var date):
                    expires = date;
                    break;
                case "max-age" when long.TryParse(argument, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds):
                    maxAge = seconds <= 0 ? DateTimeOffset.MinValue : now.AddSeconds(Math.Min(seconds, 400L * 24 * 3600));
                    break;
                case "secure":
                    secure = true;
                    break;
                case "httponly":
                    httpOnly = true;
                    break;
            }
        }

        if (domain is not null && !CookieDomain.MaySet(host, domain))
        {
            return null;
        }

        // A plain-http reply cannot set a cookie that only https may read (RFC 6265bis).
        if (secure && uri.Scheme != Uri.UriSchemeHttps)
        {
            return null;
        }

        return new StoredCookie(name, value, domain ?? host, domain is null, path ?? DefaultPath(uri.AbsolutePath), secure, httpOnly, maxAge ?? expires);
    }

    /// <summary>RFC 6265 §5.1.4: the request path up to, not including, its last slash.</summary>
    private static string DefaultPath(string requestPath)
    {
        if (!requestPath.StartsWith('/'))
        {
            return "/";
        }

        var last = requestPath.LastIndexOf('/');
        return last == 0 ? "/" : requestPath[..last];
    }

    private static bool TryParseDate(string text, out DateTimeOffset date) =>
        DateTimeOffset.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out date)
        || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date);
}
