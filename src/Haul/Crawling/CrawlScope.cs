namespace Haul.Crawling;

/// <summary>Which links a crawl may follow, relative to the page it started from.</summary>
public enum CrawlScope
{
    /// <summary>The same host and port as the start page; <c>http</c> and <c>https</c> on their default ports count as one.</summary>
    Host,
    /// <summary>The same registrable domain by the Public Suffix List (<c>a.example.co.uk</c> and <c>b.example.co.uk</c>, not <c>a.github.io</c> and <c>b.github.io</c>).</summary>
    Domain,
    /// <summary>URLs under the start page's directory (<c>https://h/gallery/</c>…).</summary>
    Prefix,
    /// <summary>Anything reachable.</summary>
    Any,
}
