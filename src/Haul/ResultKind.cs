namespace Haul;

/// <summary>What a <see cref="DownloadResult"/> is about.</summary>
public enum ResultKind
{
    /// <summary>A file: a URL given to download, or a picture a crawl found.</summary>
    File,

    /// <summary>A crawl page: fetched to find pictures and links, never saved. Only failures are reported.</summary>
    Page,
}
