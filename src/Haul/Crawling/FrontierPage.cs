namespace Haul.Crawling;

/// <summary>A page waiting in the crawl frontier.</summary>
internal sealed record FrontierPage(string Key, string Url, int Depth, string Seed)
{
    /// <summary>The ETag of the page when it was last parsed, for a conditional revisit.</summary>
    public string? ETag { get; init; }

    /// <summary>The Last-Modified of the page when it was last parsed, for a conditional revisit.</summary>
    public string? LastModified { get; init; }
}
