namespace Haul.Storage;

/// <summary>What a resumed attempt needs to know about the bytes already in a <c>.part</c> file.</summary>
internal sealed record PartMetadata(string Url, string? ETag, DateTimeOffset? LastModified, long? Length)
{
    /// <summary>The <c>If-Range</c> validator: a strong ETag, else the Last-Modified date.</summary>
    public bool HasValidator => StrongETag is not null || LastModified is not null;

    public string? StrongETag => UsableETag(ETag) is { } tag && !tag.StartsWith("W/", StringComparison.Ordinal) ? tag : null;

    /// <summary>
    /// <paramref name="raw"/> when it is one syntactically valid entity tag of visible ASCII
    /// (<c>W/"x"</c> or <c>"x"</c>, RFC 9110 §8.8.3), else null. Anything else cannot be sent back in
    /// <c>If-Range</c> or <c>If-None-Match</c>, so it is not a validator: a resume falls back to Last-Modified, or starts over.
    /// </summary>
    public static string? UsableETag(string? raw)
    {
        if (raw is null)
        {
            return null;
        }

        var tag = raw.Trim();
        var opaque = tag.StartsWith("W/", StringComparison.Ordinal) ? tag.AsSpan(2) : tag.AsSpan();
        if (opaque.Length < 2 || opaque[0] != '"' || opaque[^1] != '"')
        {
            return null;
        }

        foreach (var c in opaque[1..^1])
        {
            // etagc = %x21 / %x23-7E; obs-text is allowed by the grammar but cannot be sent back as ASCII.
            if (c is < '\x21' or > '\x7e' or '"')
            {
                return null;
            }
        }

        return tag;
    }

    /// <summary>
    /// Set for a segmented download: the .part has its full length from the start and these
    /// pieces say which bytes of it are written. Null: the .part is written front to back.
    /// </summary>
    public IReadOnlyList<PieceRecord>? Pieces { get; init; }
}

/// <summary>One piece of a segmented download: bytes <c>[Start, Written)</c> are on disk, <c>[Written, End)</c> are still to fetch.</summary>
internal sealed record PieceRecord(long Start, long Written, long End);
