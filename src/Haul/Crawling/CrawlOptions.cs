namespace Haul.Crawling;

/// <summary>What <c>haul crawl</c> follows and keeps; downloads themselves use <see cref="DownloadOptions"/>.</summary>
public sealed record CrawlOptions
{
    /// <summary>Link levels followed from the start pages; 0 means the start pages only.</summary>
    public int Depth { get; init; }

    /// <summary>Which links may be followed, and which hosts pictures may come from.</summary>
    public CrawlScope Scope { get; init; } = CrawlScope.Host;

    /// <summary>The most pages fetched by the whole crawl, across runs; null for no limit.</summary>
    public int? MaxPages { get; init; }

    /// <summary>Picture types to keep (<c>jpg</c>, <c>png</c>, …) by URL extension and by Content-Type; null keeps every image type.</summary>
    public IReadOnlySet<string>? Accept { get; init; }

    /// <summary>Picture types to refuse, by URL extension and by Content-Type.</summary>
    public IReadOnlySet<string>? Reject { get; init; }

    /// <summary>Pictures smaller than this many bytes are not kept.</summary>
    public long? MinSize { get; init; }

    /// <summary>Fetch what robots.txt disallows, and ignore its Crawl-delay.</summary>
    public bool IgnoreRobots { get; init; }

    /// <summary>The least time between two requests to one host.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Where pictures are saved.</summary>
    public CrawlLayout Layout { get; init; } = CrawlLayout.HostPath;

    /// <summary><c>CSS[@attr]</c> rules that replace the default picture rules.</summary>
    public IReadOnlyList<string> Select { get; init; } = [];

    /// <summary>The CSS selector of links to follow.</summary>
    public string Follow { get; init; } = "a[href]";

    /// <summary>Pages fetched and parsed at once.</summary>
    public int PageConcurrency { get; init; } = 4;

    /// <summary>
    /// Keep every candidate of a picture (each <c>&lt;picture&gt;</c> source, <c>srcset</c> and
    /// <c>image-set()</c> entry) instead of the one a browser would load.
    /// </summary>
    public bool AllFormats { get; init; }

    /// <summary>Also keep the site's icons (<c>link rel=icon</c>, <c>apple-touch-icon</c>).</summary>
    public bool Icons { get; init; }

    /// <summary>
    /// Revisit the pages of a finished crawl with conditional requests (ETag, Last-Modified): an
    /// unchanged page costs a 304, a changed one is parsed again and its new pictures fetched; every
    /// picture already downloaded is asked for conditionally too (304, or replaced atomically).
    /// </summary>
    public bool CheckUpdates { get; init; }

    /// <summary>The robots.txt product token this crawler answers to.</summary>
    public string RobotsToken { get; init; } = "haul";
}
