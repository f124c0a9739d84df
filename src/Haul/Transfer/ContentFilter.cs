namespace Haul.Transfer;

/// <summary>
/// What a crawl accepts once the reply's headers (or body) are known: image content types only,
/// <c>--accept</c>/<c>--reject</c> by type, <c>--min-size</c>. A refused file leaves nothing on disk.
/// </summary>
internal sealed record ContentFilter(IReadOnlySet<string>? Accept, IReadOnlySet<string>? Reject, long? MinSize)
{
    /// <summary>Why a reply with this media type and length is refused, or null when it is accepted.</summary>
    public string? Refuse(string? mediaType, long? length)
    {
        if (mediaType is null || !mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
        {
            return $"not an image ({mediaType ?? "no Content-Type"})";
        }

        var names = TypeNames(mediaType);
        if (Accept is not null && !names.Any(Accept.Contains))
        {
            return $"{mediaType} is not among --accept";
        }

        if (Reject is not null && names.Any(Reject.Contains))
        {
            return $"{mediaType} is among --reject";
        }

        return length is { } bytes && bytes < MinSize ? $"{bytes} bytes, under --min-size {MinSize}" : null;
    }

    // image/jpeg answers to "jpeg" and "jpg", image/svg+xml to "svg", image/tiff to "tif" and "tiff".
    private static string[] TypeNames(string mediaType)
    {
        var subtype = mediaType[(mediaType.IndexOf('/', StringComparison.Ordinal) + 1)..].ToLowerInvariant();
        var plus = subtype.IndexOf('+', StringComparison.Ordinal);
        subtype = plus > 0 ? subtype[..plus] : subtype;
        return subtype switch
        {
            "jpeg" or "pjpeg" => ["jpeg", "jpg"],
            "tiff" => ["tiff", "tif"],
            "x-icon" or "vnd.microsoft.icon" => ["ico"],
            _ => [subtype],
        };
    }
}
