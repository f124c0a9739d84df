using System.Net;
using System.Threading.Channels;
using Haul.Journal;
using Haul.Scheduling;
using Haul.Transfer;

namespace Haul.Crawling;

/// <summary>
/// The crawl's producer: takes pending pages from the frontier a few at a time, fetches and parses
/// each as it arrives, and turns what it finds into picture requests (to the engine) and pages (to
/// the frontier). It ends when no page is pending or in flight.
/// </summary>
internal sealed class PageWalk(
    Crawler crawler,
    CrawlFrontier frontier,
    HostPacer pacer,
    RobotsCache? robots,
    ChannelWriter<DownloadRequest> requests)
{
    private const int MaxPageAttempts = 3;
    private readonly CrawlOptions _options = crawler.Options;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            // Pictures an earlier run found but did not finish come first.
            foreach (var image in frontier.UnfinishedImages())
            {
                await requests.WriteAsync(ToRequest(image), cancellationToken).ConfigureAwait(false);
            }

            await WalkAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        requests.TryComplete(failure);
    }

    private async Task WalkAsync(CancellationToken cancellationToken)
    {
        var inFlight = new Dictionary<string, Task>(StringComparer.Ordinal);
        var visited = frontier.PagesVisited();
        while (true)
        {
            var room = _options.PageConcurrency - inFlight.Count;
            if (_options.MaxPages is { } maxPages)
            {
                room = Math.Min(room, maxPages - visited - inFlight.Count);
            }

            foreach (var page in room > 0 ? frontier.PendingPages(room, inFlight.Keys.ToHashSet()) : [])
            {
                inFlight[page.Key] = VisitAsync(page, cancellationToken);
            }

            if (inFlight.Count == 0)
            {
                return;
            }

            var finished = await Task.WhenAny(inFlight.Values).ConfigureAwait(false);
            inFlight.Remove(inFlight.First(pair => pair.Value == finished).Key);
            visited++;
            await finished.ConfigureAwait(false);
        }
    }

    /// <remarks>A page that cannot be read is skipped; only cancellation ends the walk.</remarks>
    private async Task VisitAsync(FrontierPage page, CancellationToken cancellationToken)
    {
        try
        {
            await FetchAsync(page, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && ex is not ChannelClosedException)
        {
            RetryLater(page);
        }
    }

    private async Task FetchAsync(FrontierPage page, CancellationToken cancellationToken)
    {
        var uri = new Uri(page.Url);
        if (robots is not null && !(await robots.GetAsync(uri, cancellationToken).ConfigureAwait(false)).IsAllowed(uri))
        {
            frontier.PageDone(page.Key);
            return;
        }

        await pacer.WaitTurnAsync(RobotsCache.HostKey(uri), cancellationToken).ConfigureAwait(false);
        HttpResponseMessage response;
        try
        {
            response = await crawler.Client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            RetryLater(page);
            return;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
            {
                AddPage(new Uri(uri, location), page.Depth, page);
                frontier.PageDone(page.Key);
                return;
            }

            if (status is 429 or 503 or >= 500)
            {
                if (response.Headers.RetryAfter is { } retryAfter && RetryAfter.From(retryAfter, crawler.Time.GetUtcNow()) is { } wait)
                {
                    pacer.BackOff(RobotsCache.HostKey(uri), wait);
                }

                RetryLater(page);
                return;
            }

            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (status != (int)HttpStatusCode.OK || mediaType is not ("text/html" or "application/xhtml+xml"))
            {
                frontier.PageDone(page.Key);
                return;
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var content = await crawler.Extract(body, uri, response.Content.Headers.ContentType?.ToString(), cancellationToken).ConfigureAwait(false);
            await EnqueueAsync(page, content, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task EnqueueAsync(FrontierPage page, PageExtraction content, CancellationToken cancellationToken)
    {
        var seed = new Uri(page.Seed);
        var images = new List<FrontierImage>();
        foreach (var image in content.Images)
        {
            if (ScopeRule.Contains(_options.Scope, seed, image.Url) && ExtensionAllowed(image.Url)
                && (robots is null || (await robots.GetAsync(image.Url, cancellationToken).ConfigureAwait(false)).IsAllowed(image.Url)))
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

        // One transaction for the page: a crash after it re-requests the new pictures on the next
        // run (they are recorded, not yet done), and never loses or repeats the page.
        foreach (var fresh in frontier.RecordPage(page.Key, images, links))
        {
            await requests.WriteAsync(ToRequest(fresh), cancellationToken).ConfigureAwait(false);
        }
    }

    private void AddPage(Uri link, int depth, FrontierPage from)
    {
        if (IsHttp(link))
        {
            frontier.AddPage(new FrontierPage(UrlKey.From(link), Crawler.WithoutFragment(link), depth, from.Seed));
        }
    }

    private static bool IsHttp(Uri link) => link.Scheme == Uri.UriSchemeHttp || link.Scheme == Uri.UriSchemeHttps;

    /// <summary>A page that failed for a transient reason stays pending for a few more tries.</summary>
    private void RetryLater(FrontierPage page)
    {
        if (_attempts.AddOrUpdate(page.Key, 1, (_, count) => count + 1) >= MaxPageAttempts)
        {
            frontier.PageDone(page.Key);
        }
    }

    private bool ExtensionAllowed(Uri url)
    {
        var extension = Path.GetExtension(url.AbsolutePath).TrimStart('.').ToLowerInvariant();
        if (extension.Length == 0)
        {
            return true;
        }

        return (_options.Accept is null || _options.Accept.Contains(extension))
            && (_options.Reject is null || !_options.Reject.Contains(extension));
    }

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

    private DownloadRequest ToRequest(FrontierImage image) => new(image.Url)
    {
        Directory = image.Directory,
        Page = image.Page,
        Alt = image.Alt,
        Title = image.Title,
        Filter = new ContentFilter(_options.Accept, _options.Reject, _options.MinSize),
    };
}
