namespace Haul.Crawling;

/// <summary>A crawl run again after it had finished: nothing was left to do.</summary>
/// <param name="FinishedAt">When the crawl last finished.</param>
/// <param name="Pictures">The pictures it has downloaded, across runs.</param>
public sealed record CrawlFinished(DateTimeOffset FinishedAt, long Pictures);
