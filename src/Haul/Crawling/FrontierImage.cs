namespace Haul.Crawling;

/// <summary>A picture the crawl found, kept until its download is done.</summary>
internal sealed record FrontierImage(string Key, string Url, string? Directory, string Page, string? Alt, string? Title);
