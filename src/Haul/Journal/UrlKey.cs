namespace Haul.Journal;

/// <summary>
/// The normalized form of a URL that the archive is keyed by: scheme and host in lower case,
/// the default port dropped, the fragment dropped.
/// </summary>
internal static class UrlKey
{
    public static string From(Uri uri)
    {
        var port = uri.IsDefaultPort ? string.Empty : $":{uri.Port}";
        return $"{uri.Scheme.ToLowerInvariant()}://{uri.IdnHost.ToLowerInvariant()}{port}{uri.PathAndQuery}";
    }
}
