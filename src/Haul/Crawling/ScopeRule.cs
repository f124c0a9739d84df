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

    // http://h/ and https://h/ are one site (a start page redirected to https, pictures linked
    // with either scheme); an explicit other port is another server.
    private static bool SameAuthority(Uri a, Uri b) =>
        string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) && (a.Port == b.Port || (a.IsDefaultPort && b.IsDefaultPort));

    private static string Directory(string path) => path[..(path.LastIndexOf('/') + 1)];

    // The registrable domain by the Public Suffix List; an IP address, or a host that is itself a
    // public suffix, is its own domain.
    private static string Domain(string host) => Http.PublicSuffixList.Default.RegistrableDomain(host) ?? host.ToLowerInvariant();
}
