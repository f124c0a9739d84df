namespace Haul.Crawling;

/// <summary>
/// Where a page's visit leaves what it found: the embedded frontier (<see cref="CrawlFrontier"/>,
/// SQLite) or a job's, shared by every worker of a distributed crawl. Each call is the durable
/// record of one step, so a crawl that stops anywhere neither loses nor repeats a page.
/// </summary>
internal interface ICrawlFrontier
{
    /// <summary>A page reached another way than a parsed link (a redirect's target); ignored when seen before.</summary>
    ValueTask AddPageAsync(FrontierPage page, CancellationToken cancellationToken);

    /// <summary>The page needs no more work (fetched, refused by robots.txt, not HTML, or given up on).</summary>
    ValueTask PageDoneAsync(FrontierPage page, CancellationToken cancellationToken);

    /// <summary>
    /// Everything a parsed page yields, at once: its pictures and links join the seen-sets and the
    /// page is done. Returns the pictures not seen before that this process should download.
    /// </summary>
    ValueTask<IReadOnlyList<FrontierImage>> RecordPageAsync(FrontierPage page, IReadOnlyList<FrontierImage> images, IReadOnlyList<FrontierPage> links, CancellationToken cancellationToken);

    /// <summary>The page failed for a transient reason: try it again later, a few times at most.</summary>
    ValueTask RetryLaterAsync(FrontierPage page, CancellationToken cancellationToken);
}
