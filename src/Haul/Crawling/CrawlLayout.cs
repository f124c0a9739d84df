namespace Haul.Crawling;

/// <summary>Where a crawl puts the pictures it downloads.</summary>
public enum CrawlLayout
{
    /// <summary><c>DIR/host/path/name.jpg</c>, mirroring the site.</summary>
    HostPath,
    /// <summary>Every picture directly in <c>DIR</c>; same names get <c>name.1.jpg</c>.</summary>
    Flat,
}
