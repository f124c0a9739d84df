namespace Haul.Crawling;

/// <summary>Where a crawl puts the pictures it downloads.</summary>
public enum CrawlLayout
{
    /// <summary><c>DIR/host/path/name.jpg</c>, mirroring the site.</summary>
    HostPath,
    /// <summary>Every picture directly in <c>DIR</c>; a picture whose name another took first is named by its path (<c>thumbs_01.jpg</c>).</summary>
    Flat,
}
