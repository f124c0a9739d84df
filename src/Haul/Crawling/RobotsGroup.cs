using System.Globalization;

namespace Haul.Crawling;

/// <summary>One group of a robots.txt as it is read: the crawlers it names and the records it holds.</summary>
internal sealed class RobotsGroup
{
    // Beyond a day between requests a host is effectively not crawled; capping keeps time arithmetic from overflowing.
    private static readonly TimeSpan LongestCrawlDelay = TimeSpan.FromDays(1);

    private readonly HashSet<string> _agents = new(StringComparer.Ordinal);
    private readonly List<RobotsRule> _rules = [];

    public IReadOnlyList<RobotsRule> Rules => _rules;

    public TimeSpan? CrawlDelay { get; private set; }

    /// <summary>
    /// The product name of a User-agent value, lower-cased: <c>Haul/1.0 (+https://…)</c> names <c>haul</c>,
    /// because RFC 9309 matches the product token case-insensitively and ignores the version.
    /// </summary>
    public static string ProductName(string userAgent)
    {
        var value = userAgent.AsSpan().Trim();
        var end = value.IndexOfAny('/', ' ', '\t');
        return (end >= 0 ? value[..end] : value).ToString().ToLowerInvariant();
    }

    public void AddAgent(string userAgent)
    {
        var product = ProductName(userAgent);
        if (product.Length > 0)
        {
            _agents.Add(product);
        }
    }

    public bool AppliesTo(string productName) => _agents.Contains(productName);

    // An empty pattern matches nothing, which is how an empty "Disallow:" allows everything.
    public void AddRule(string pattern, bool isAllow)
    {
        if (pattern.Length > 0)
        {
            _rules.Add(new RobotsRule(RobotsPath.Normalize(pattern), isAllow));
        }
    }

    /// <summary>Seconds, decimals allowed; anything else (a sign, a unit, a comma) is ignored rather than guessed at.</summary>
    public void AddCrawlDelay(string value)
    {
        if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            || !double.IsFinite(seconds))
        {
            return;
        }

        var delay = seconds >= LongestCrawlDelay.TotalSeconds ? LongestCrawlDelay : TimeSpan.FromSeconds(seconds);
        if (CrawlDelay is null || delay > CrawlDelay)
        {
            CrawlDelay = delay;
        }
    }
}
