namespace Haul.Crawling;

/// <summary>The picture media types Haul knows, and the <c>--accept</c>/<c>--reject</c> names each answers to.</summary>
internal static class PictureType
{
    private static readonly Dictionary<string, string[]> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["image/jpeg"] = ["jpeg", "jpg"],
        ["image/pjpeg"] = ["jpeg", "jpg"],
        ["image/png"] = ["png"],
        ["image/apng"] = ["png", "apng"],
        ["image/gif"] = ["gif"],
        ["image/webp"] = ["webp"],
        ["image/avif"] = ["avif"],
        ["image/jxl"] = ["jxl"],
        ["image/svg+xml"] = ["svg"],
        ["image/bmp"] = ["bmp"],
        ["image/tiff"] = ["tiff", "tif"],
        ["image/x-icon"] = ["ico"],
        ["image/vnd.microsoft.icon"] = ["ico"],
    };

    /// <summary>True for a media type Haul saves as a picture (parameters after <c>;</c> ignored).</summary>
    public static bool IsKnown(string mediaType) => Names.ContainsKey(Bare(mediaType));

    /// <summary>
    /// Whether a <c>&lt;source type&gt;</c> is one a crawl keeps: no type at all, or a known type that
    /// <c>--accept</c> and <c>--reject</c> let through.
    /// </summary>
    public static bool IsAccepted(string? mediaType, IReadOnlySet<string>? accept, IReadOnlySet<string>? reject)
    {
        if (string.IsNullOrWhiteSpace(mediaType))
        {
            return true;
        }

        if (!Names.TryGetValue(Bare(mediaType), out var names))
        {
            return false;
        }

        return (accept is null || names.Any(accept.Contains)) && (reject is null || !names.Any(reject.Contains));
    }

    private static string Bare(string mediaType)
    {
        var semicolon = mediaType.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? mediaType : mediaType[..semicolon]).Trim();
    }
}
