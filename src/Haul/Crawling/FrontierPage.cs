namespace Haul.Crawling;

/// <summary>A page waiting in the crawl frontier.</summary>
internal sealed record FrontierPage(string Key, string Url, int Depth, string Seed);
