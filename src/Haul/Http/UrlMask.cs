namespace Haul.Http;

/// <summary>
/// Keeps passwords written into URLs (<c>http://user:pass@host/x</c>) out of everything Haul prints
/// or stores: the password becomes <c>***</c>, the user name stays so the line is still recognisable.
/// </summary>
internal static class UrlMask
{
    public const string Hidden = "***";

    /// <summary>
    /// <paramref name="url"/> with the password of its authority replaced by <c>***</c>; any other
    /// text (not a URL, no password) unchanged. Works on text that does not parse as a URI too, so
    /// that an invalid line is masked in its error message.
    /// </summary>
    public static string Mask(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return FindPassword(url) is var (start, length) && url.AsSpan(start, length) is not Hidden
            ? string.Concat(url.AsSpan(0, start), Hidden, url.AsSpan(start + length))
            : url;
    }

    /// <summary>
    /// Splits an http(s) URL with a user name into the masked text to show and the login to send
    /// (percent-decoded, as curl does); false when the URL names no user.
    /// </summary>
    public static bool TryTakeLogin(string url, out string masked, out NetworkLogin? login)
    {
        ArgumentNullException.ThrowIfNull(url);
        masked = url;
        login = null;

        // User information ends at an '@': without one there is nothing to take, and no URI to parse.
        if (!url.Contains('@', StringComparison.Ordinal)
            || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.UserInfo.Length == 0
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return false;
        }

        var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
        var user = colon < 0 ? uri.UserInfo : uri.UserInfo[..colon];
        var password = colon < 0 ? string.Empty : uri.UserInfo[(colon + 1)..];
        login = new NetworkLogin(Uri.UnescapeDataString(user), Uri.UnescapeDataString(password));
        masked = Mask(url);
        return true;
    }

    /// <summary>The URI to fetch: the same, without its user information (that travels as a header).</summary>
    public static Uri WithoutUserInfo(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.UserInfo.Length == 0 ? uri : new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri;
    }

    /// <summary>
    /// Where the password of the URL's authority is: after the first ':' of the userinfo, up to the
    /// '@'. A password pasted with '/', '?' or '#' unescaped (tokens often have them) ends the
    /// authority early for a URI parser; it is found all the same, so that it is never shown.
    /// </summary>
    private static (int Start, int Length)? FindPassword(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return null;
        }

        var authorityStart = scheme + 3;
        var rest = url.AsSpan(authorityStart);
        var authorityEnd = rest.IndexOfAny('/', '?', '#');
        var authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var colon = authority[..at].IndexOf(':');
            return colon < 0 ? null : (authorityStart + colon + 1, at - colon - 1);
        }

        // No '@' before the path: the password may run past a '/', '?' or '#' up to the first '@'.
        var firstAt = rest.IndexOf('@');
        var candidate = firstAt < 0 ? default : rest[..firstAt];
        var userEnd = candidate.IndexOf(':');
        if (firstAt < 0 || userEnd < 0 || candidate[..userEnd].IndexOfAny('/', '?', '#') >= 0)
        {
            return null;
        }

        // host:8080/path?mail=a@b is a port and a path, not a login.
        var afterColon = candidate[(userEnd + 1)..];
        var stop = afterColon.IndexOfAny('/', '?', '#');
        if (stop >= 0 && afterColon[stop] == '/' && !afterColon[..stop].ContainsAnyExceptInRange('0', '9'))
        {
            return null;
        }

        return (authorityStart + userEnd + 1, firstAt - userEnd - 1);
    }
}
