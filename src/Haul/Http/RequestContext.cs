namespace Haul.Http;

/// <summary>
/// What a request message carries from the download it belongs to, for <see cref="SessionHandler"/>:
/// the URL asked for (credentials, the URL's own included, go nowhere else), the crawl page it was found on, and the
/// headers of its input line.
/// </summary>
/// <param name="Origin">The URL of the download before any redirect.</param>
/// <param name="NamedByUser">False for a crawled picture: only the start pages' hosts are the user's to authenticate to.</param>
/// <param name="Page">The page a crawled picture was found on, for <c>--referer '*'</c>.</param>
/// <param name="Headers">The input line's <c>header=</c> values; they win over the run's.</param>
/// <param name="Login">The user and password the URL itself carried, for <paramref name="Origin"/> only.</param>
internal sealed record RequestContext(Uri Origin, bool NamedByUser, string? Page, IReadOnlyList<KeyValuePair<string, string>> Headers, NetworkLogin? Login = null)
{
    /// <summary>The download's number for its events; null for requests that are no download's.</summary>
    public long? DownloadId { get; init; }

    /// <summary>The download's URL as requested, for its events.</summary>
    public string? Url { get; init; }

    private static readonly HttpRequestOptionsKey<RequestContext> Key = new("Haul.RequestContext");

    /// <summary>Tags <paramref name="message"/> as a request of <paramref name="download"/>, first made to <paramref name="origin"/>.</summary>
    public static HttpRequestMessage Attach(HttpRequestMessage message, DownloadRequest download, Uri origin, long? downloadId = null)
    {
        message.Options.Set(Key, new RequestContext(origin, download.Page is null, download.Page, download.Headers, download.Login) { DownloadId = downloadId, Url = download.Url });
        return message;
    }

    public static RequestContext? Of(HttpRequestMessage message) =>
        message.Options.TryGetValue(Key, out var context) ? context : null;
}
