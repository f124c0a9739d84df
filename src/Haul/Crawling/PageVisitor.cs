using System.Net;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Haul.Errors;
using Haul.Journal;
using Haul.Transfer;

namespace Haul.Crawling;

/// <summary>
/// Visits one page: robots.txt, the fetch (through the crawl's <see cref="PageFetcher"/>), redirects, parsing; what the page yields goes to
/// the frontier in one step. The local crawl's walk and a distributed worker share it.
/// </summary>
internal sealed partial class PageVisitor(
    Crawler crawler,
    ICrawlFrontier frontier,
    PageFetcher fetcher,
    RobotsCache? robots,
    Action<DownloadResult>? report = null)
{
    private readonly CrawlOptions _options = crawler.Options;
    private readonly StylesheetReader _stylesheets = new(fetcher, robots, crawler.Options.AllFormats);

    /// <summary>Fetches and records the page; returns the pictures this process should download.</summary>
    /// <remarks>
    /// A page that cannot be read after its retries is a failed result; an unforeseen fault has the page
    /// tried again later. Only cancellation ends the visit with an exception.
    /// </remarks>
    public async Task<IReadOnlyList<FrontierImage>> VisitAsync(FrontierPage page, CancellationToken cancellationToken)
    {
        try
        {
            return await FetchAsync(page, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && ex is not ChannelClosedException)
        {
            await frontier.RetryLaterAsync(page, cancellationToken).ConfigureAwait(false);
            return [];
        }
    }

    private async Task<IReadOnlyList<FrontierImage>> FetchAsync(FrontierPage page, CancellationToken cancellationToken)
    {
        var uri = new Uri(page.Url);
        if (robots is not null && !(await robots.GetAsync(uri, cancellationToken).ConfigureAwait(false)).IsAllowed(uri))
        {
            if (robots.FailureOf(uri) is { } failure)
            {
                // Not the site's choice: its robots.txt could not be read, so nothing of the host may be.
                ReportFailed(page, failure);
            }

            await frontier.PageDoneAsync(page, cancellationToken).ConfigureAwait(false);
            return [];
        }

        FetchedBody reply;
        try
        {
            // A redirect comes back here: its target is a page of its own, checked against the scope.
            var exchange = new Exchange(new DownloadRequest(page.Url) { Page = page.Url }, uri, null) { FollowRedirects = false };
            reply = await fetcher.FetchAsync(exchange, next => BuildRequest(page, next), (int)PageLimitStream.MaxPageBytes + 1, IsHtml, cancellationToken).ConfigureAwait(false);
        }
        catch (HaulException ex)
        {
            // Retried as long as the failure was transient and retries were left: the page is given up on, and said so.
            ReportFailed(page, ex);
            await frontier.PageDoneAsync(page, cancellationToken).ConfigureAwait(false);
            return [];
        }

        if (reply.Location is { } target && RequestSender.IsRedirect((HttpStatusCode)reply.Status))
        {
            if (IsHttp(target) && !ScopeRule.Contains(_options.Scope, new Uri(page.Seed), target))
            {
                ReportRedirectOutOfScope(page, target);
            }
            else
            {
                await AddPageAsync(target, page.Depth, page, cancellationToken).ConfigureAwait(false);
            }

            await frontier.PageDoneAsync(page, cancellationToken).ConfigureAwait(false);
            return [];
        }

        // A revisit (--check-updates) of a page that has not changed (304), or no HTML page: nothing on it.
        if (reply.Status != (int)HttpStatusCode.OK || !IsHtml(reply.MediaType))
        {
            await frontier.PageDoneAsync(page, cancellationToken).ConfigureAwait(false);
            return [];
        }

        var body = MemoryMarshal.TryGetArray(reply.Body, out var bytes)
            ? new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false)
            : new MemoryStream(reply.Body.ToArray(), writable: false);
        PageExtraction content;
        await using (body.ConfigureAwait(false))
        {
            content = await crawler.Extract(body, uri, reply.ContentType, cancellationToken).ConfigureAwait(false);
        }

        var seed = new Uri(page.Seed);
        var fromStylesheets = await _stylesheets
            .PicturesAsync(content.Stylesheets, sheet => ScopeRule.Contains(_options.Scope, seed, sheet), cancellationToken)
            .ConfigureAwait(false);
        var pictures = content.Images.AddRange(fromStylesheets.Select(url => new PageImage(url, null, null, ImageRuleName.Stylesheet)));
        var validated = page with { ETag = reply.ETag, LastModified = reply.LastModified };
        return await RecordAsync(validated, content with { Images = pictures }, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsHtml(string? mediaType) => mediaType is "text/html" or "application/xhtml+xml";

    private async Task<IReadOnlyList<FrontierImage>> RecordAsync(FrontierPage page, PageExtraction content, CancellationToken cancellationToken)
    {
        var seed = new Uri(page.Seed);
        var images = new List<FrontierImage>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var image in content.Images)
        {
            if (!seen.Add(image.Url.AbsoluteUri))
            {
                continue;
            }

            if (await RefusalAsync(seed, image.Url, cancellationToken).ConfigureAwait(false) is { } refusal)
            {
                ReportRefused(page, image, refusal);
            }
            else
            {
                images.Add(new FrontierImage(UrlKey.From(image.Url), Crawler.WithoutFragment(image.Url), Directory(image.Url), page.Url, image.Alt, image.Title));
            }
        }

        // A link to a picture is a picture (the image rules took it), not a page to fetch.
        var links = page.Depth < _options.Depth
            ? content.Links
                .Where(link => ScopeRule.Contains(_options.Scope, seed, link) && !ImageUrl.HasImageExtension(link) && IsHttp(link))
                .Select(link => new FrontierPage(UrlKey.From(link), Crawler.WithoutFragment(link), page.Depth + 1, page.Seed))
                .ToList()
            : [];

        // One step for the page: a crash after it re-requests the new pictures on the next run
        // (they are recorded, not yet done), and never loses or repeats the page.
        return await frontier.RecordPageAsync(page, images, links, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The page's GET; conditional when an earlier visit left validators, so an unchanged page costs a 304.</summary>
    private static HttpRequestMessage BuildRequest(FrontierPage page, Uri uri)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (page.ETag is { } etag)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        }

        if (page.LastModified is { } modified)
        {
            request.Headers.TryAddWithoutValidation("If-Modified-Since", modified);
        }

        return request;
    }

    private async ValueTask AddPageAsync(Uri link, int depth, FrontierPage from, CancellationToken cancellationToken)
    {
        if (IsHttp(link))
        {
            await frontier.AddPageAsync(new FrontierPage(UrlKey.From(link), Crawler.WithoutFragment(link), depth, from.Seed), cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsHttp(Uri link) => link.Scheme == Uri.UriSchemeHttp || link.Scheme == Uri.UriSchemeHttps;

    private string? Directory(Uri url)
    {
        if (_options.Layout == CrawlLayout.Flat)
        {
            return null;
        }

        var path = Uri.UnescapeDataString(url.AbsolutePath);
        var folder = path[..(path.LastIndexOf('/') + 1)];
        var host = url.IsDefaultPort ? url.IdnHost : $"{url.IdnHost}_{url.Port}";
        return host + folder;
    }

    /// <summary>The download request of a picture found by this crawl, with the crawl's type and size rules.</summary>
    public DownloadRequest ToRequest(FrontierImage image) => new(image.Url)
    {
        OutName = _options.Layout == CrawlLayout.Flat && frontier is IFlatNames names ? names.NameFor(image.Key, new Uri(image.Url)) : null,
        Directory = image.Directory,
        Page = image.Page,
        Alt = image.Alt,
        Title = image.Title,
        Filter = new ContentFilter(_options.Accept, _options.Reject, _options.MinSize),
    };
}
