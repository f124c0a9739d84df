namespace Haul.Transfer;

/// <summary>Who a request is sent for, and how its redirects are treated.</summary>
/// <param name="Request">The download (or page) the request belongs to: its URL names the errors, its headers and login go out with it.</param>
/// <param name="Origin">The URL first asked for, before any redirect.</param>
/// <param name="Id">The download's number for its events; null for a page, a stylesheet or robots.txt.</param>
internal sealed record Exchange(DownloadRequest Request, Uri Origin, long? Id)
{
    /// <summary>How many redirects are followed; null for the run's <c>--max-redirect</c>.</summary>
    public int? MaxRedirects { get; init; }

    /// <summary>False to hand a redirect back to the caller instead of following it (a crawl page's target is a page of its own).</summary>
    public bool FollowRedirects { get; init; } = true;
}
