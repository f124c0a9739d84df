using System.Threading.Channels;

namespace Haul.Crawling;

/// <summary>
/// The local crawl's producer: takes pending pages from the frontier a few at a time, visits each
/// as it arrives, and sends the pictures found to the engine. It ends when no page is pending or
/// in flight.
/// </summary>
internal sealed class PageWalk(
    Crawler crawler,
    CrawlFrontier frontier,
    PageFetcher fetcher,
    RobotsCache? robots,
    ChannelWriter<DownloadRequest> requests,
    Action<DownloadResult>? report = null)
{
    private readonly CrawlOptions _options = crawler.Options;
    private readonly PageVisitor _visitor = new(crawler, frontier, fetcher, robots, report);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            // Pictures an earlier run found but did not finish come first.
            foreach (var image in frontier.UnfinishedImages())
            {
                await requests.WriteAsync(_visitor.ToRequest(image), cancellationToken).ConfigureAwait(false);
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

    private async Task VisitAsync(FrontierPage page, CancellationToken cancellationToken)
    {
        foreach (var image in await _visitor.VisitAsync(page, cancellationToken).ConfigureAwait(false))
        {
            await requests.WriteAsync(_visitor.ToRequest(image), cancellationToken).ConfigureAwait(false);
        }
    }
}
