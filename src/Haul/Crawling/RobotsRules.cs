namespace Haul.Crawling;

/// <summary>
/// The robots.txt rules that apply to one crawler (RFC 9309, with Google's behaviour where the RFC
/// leaves room): the longest matching <c>Allow</c>/<c>Disallow</c> pattern wins, <c>Allow</c> on a
/// tie, and a path no rule matches is allowed.
/// </summary>
internal sealed partial class RobotsRules
{
    /// <summary>
    /// RFC 9309 asks crawlers to parse at least the first 500 KiB; everything after it is ignored,
    /// so a fetcher needs to read no more than this many bytes.
    /// </summary>
    public const int MaxBytes = 500 * 1024;

    private const string RobotsTxtPath = "/robots.txt";

    private readonly RobotsRule[] _rules;

    private RobotsRules(RobotsRule[] rules, TimeSpan? crawlDelay)
    {
        _rules = rules;
        CrawlDelay = crawlDelay;
    }

    /// <summary>No robots.txt to obey (a 4xx answer): everything is allowed.</summary>
    public static RobotsRules AllowAll { get; } = new([], crawlDelay: null);

    /// <summary>A robots.txt that could not be read (a 5xx answer, an unreachable server): nothing is allowed.</summary>
    public static RobotsRules DisallowAll { get; } = new([new RobotsRule("/", IsAllow: false)], crawlDelay: null);

    /// <summary>The <c>Crawl-delay</c> of the chosen group, or <see langword="null"/> when it sets none.</summary>
    public TimeSpan? CrawlDelay { get; }

    /// <summary>
    /// The rules for a robots.txt answer that has no body to parse. RFC 9309: a 4xx means the
    /// crawler may go anywhere, a 5xx means it must go nowhere. 429 counts as a server error, as
    /// Google treats it: the host is asking us to slow down, not telling us there are no rules.
    /// </summary>
    public static RobotsRules ForStatus(int statusCode) =>
        statusCode >= 500 || statusCode == 429 ? DisallowAll : AllowAll;

    /// <summary>Whether the crawler may fetch <paramref name="url"/>, judged on its path and query.</summary>
    public bool IsAllowed(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri)
        {
            throw new ArgumentException($"robots.txt rules apply to absolute URLs, not to '{url}'.", nameof(url));
        }

        return IsAllowed(url.PathAndQuery);
    }

    /// <summary>Whether the crawler may fetch a URL with this path and query (such as <c>/a/b?c=d</c>).</summary>
    public bool IsAllowed(string pathAndQuery)
    {
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        var path = RobotsPath.Normalize(pathAndQuery.Length == 0 ? "/" : pathAndQuery);
        if (IsRobotsTxt(path))
        {
            return true;
        }

        var allowed = true;
        var longest = -1;
        foreach (var rule in _rules)
        {
            var longer = rule.Pattern.Length > longest;
            var tieWonByAllow = rule.Pattern.Length == longest && rule.IsAllow;
            if ((longer || tieWonByAllow) && rule.Matches(path))
            {
                longest = rule.Pattern.Length;
                allowed = rule.IsAllow;
            }
        }

        return allowed;
    }

    // RFC 9309 2.2.2: the robots.txt URI itself is implicitly allowed, whatever the rules say.
    private static bool IsRobotsTxt(string path) =>
        path.StartsWith(RobotsTxtPath, StringComparison.Ordinal)
        && (path.Length == RobotsTxtPath.Length || path[RobotsTxtPath.Length] == '?');
}
