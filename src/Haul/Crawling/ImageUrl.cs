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

    /// <summary>
    /// True when both URLs name one picture, perhaps in two formats: the same URL, or the same origin, path
    /// and query once the picture extensions are removed (<c>1.jpg</c>, <c>1.WEBP</c>, <c>1.jpg.webp</c>).
    /// The stem is compared as written, since servers tell <c>A.jpg</c> from <c>a.jpg</c>.
    /// </summary>
    public static bool IsSamePicture(Uri first, Uri second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.AbsoluteUri == second.AbsoluteUri)
        {
            return true;
        }

        if (!HasImageExtension(first) || !HasImageExtension(second)
            || first.GetLeftPart(UriPartial.Authority) != second.GetLeftPart(UriPartial.Authority)
            || first.Query != second.Query)
        {
            return false;
        }

        return Stem(first.AbsolutePath).SequenceEqual(Stem(second.AbsolutePath));
    }

    // "/img/1.jpg.webp" -> "/img/1": image-conversion plugins append the new format to the old name.
    private static ReadOnlySpan<char> Stem(string path)
    {
        var stem = path.AsSpan();
        while (true)
        {
            var dot = stem.LastIndexOf('.');
            if (dot <= stem.LastIndexOf('/') || !Extensions.GetAlternateLookup<ReadOnlySpan<char>>().Contains(stem[(dot + 1)..]))
            {
                return stem;
            }

            stem = stem[..dot];
        }
    }
}
