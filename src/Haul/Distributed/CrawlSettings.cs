using System.Text.Json;
using Haul.Crawling;

namespace Haul.Distributed;

/// <summary>
/// A crawl job's settings, stored with the job so that every worker crawls by the same rules,
/// whatever flags it was started with.
/// </summary>
internal sealed record CrawlSettings
{
    public int Depth { get; init; }

    public string Scope { get; init; } = "host";

    public int? MaxPages { get; init; }

    public IReadOnlyList<string>? Accept { get; init; }

    public IReadOnlyList<string>? Reject { get; init; }

    public long? MinSize { get; init; }

    public bool IgnoreRobots { get; init; }

    public long DelayMs { get; init; }

    public string Layout { get; init; } = "host-path";

    public IReadOnlyList<string> Select { get; init; } = [];

    public string Follow { get; init; } = "a[href]";

    public string? UserAgent { get; init; }

    public static CrawlSettings From(CrawlOptions options, string? userAgent) => new()
    {
        Depth = options.Depth,
        Scope = options.Scope.ToString().ToLowerInvariant(),
        MaxPages = options.MaxPages,
        Accept = options.Accept?.Order(StringComparer.Ordinal).ToList(),
        Reject = options.Reject?.Order(StringComparer.Ordinal).ToList(),
        MinSize = options.MinSize,
        IgnoreRobots = options.IgnoreRobots,
        DelayMs = (long)options.Delay.TotalMilliseconds,
        Layout = options.Layout == CrawlLayout.Flat ? "flat" : "host-path",
        Select = options.Select,
        Follow = options.Follow,
        UserAgent = userAgent,
    };

    public CrawlOptions ToOptions() => new()
    {
        Depth = Depth,
        Scope = Enum.TryParse<CrawlScope>(Scope, ignoreCase: true, out var scope) ? scope : CrawlScope.Host,
        MaxPages = MaxPages,
        Accept = Accept is null ? null : new HashSet<string>(Accept, StringComparer.Ordinal),
        Reject = Reject is null ? null : new HashSet<string>(Reject, StringComparer.Ordinal),
        MinSize = MinSize,
        IgnoreRobots = IgnoreRobots,
        Delay = TimeSpan.FromMilliseconds(DelayMs),
        Layout = Layout == "flat" ? CrawlLayout.Flat : CrawlLayout.HostPath,
        Select = Select,
        Follow = Follow,
    };

    public string ToJson() => JsonSerializer.Serialize(this, DistributedJson.Default.CrawlSettings);

    public static CrawlSettings? Parse(string json) => JsonSerializer.Deserialize(json, DistributedJson.Default.CrawlSettings);
}
