namespace Haul.Crawling;

/// <summary>Decides whether a URL is inside a crawl's scope, given the seed it started from.</summary>
internal static class ScopeRule
{
    public static bool Contains(CrawlScope scope, Uri seed, Uri candidate) => scope switch
    {
        CrawlScope.Any => true,
        CrawlScope.Host => SameAuthority(seed, candidate),
        CrawlScope.Domain => string.Equals(Domain(seed.IdnHost), Domain(candidate.IdnHost), StringComparison.OrdinalIgnoreCase),
        _ => SameAuthority(seed, candidate) && candidate.AbsolutePath.StartsWith(Directory(seed.AbsolutePath), StringComparison.Ordinal),
    };

    /// <summary>The narrowest scope that takes <paramref name="candidate"/>, to say which flag would.</summary>
    public static CrawlScope Narrowest(Uri seed, Uri candidate) =>
        new[] { CrawlScope.Prefix, CrawlScope.Host, CrawlScope.Domain }.FirstOrDefault(scope => Contains(scope, seed, candidate), CrawlScope.Any);

    private static bool SameAuthority(Uri a, Uri b) =>
        string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    private static string Directory(string path) => path[..(path.LastIndexOf('/') + 1)];

    // Without a public-suffix list this is the last two labels; an IP address is its own domain.
    private static string Domain(string host)
    {
        if (System.Net.IPAddress.TryParse(host, out _))
        {
            return host;
        }

        var labels = host.Split('.');
        return labels.Length <= 2 ? host : string.Join('.', labels[^2..]);
    }
}
