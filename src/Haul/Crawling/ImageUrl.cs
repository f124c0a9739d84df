namespace Haul.Crawling;

/// <summary>Recognizes URLs that name a picture by their extension, as a link to the full-size image does.</summary>
internal static class ImageUrl
{
    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        "jpg", "jpeg", "png", "gif", "webp", "avif", "jxl", "bmp", "svg", "tif", "tiff",
    };

    /// <summary>True when the path's last segment ends in a picture extension; the query does not count.</summary>
    public static bool HasImageExtension(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var path = url.AbsolutePath;
        var dot = path.LastIndexOf('.');
        return dot > path.LastIndexOf('/') && Extensions.Contains(path[(dot + 1)..]);
    }
}
