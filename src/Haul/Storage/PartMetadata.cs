namespace Haul.Storage;

/// <summary>What a resumed attempt needs to know about the bytes already in a <c>.part</c> file.</summary>
internal sealed record PartMetadata(string Url, string? ETag, DateTimeOffset? LastModified, long? Length)
{
    /// <summary>The <c>If-Range</c> validator: a strong ETag, else the Last-Modified date.</summary>
    public bool HasValidator => StrongETag is not null || LastModified is not null;

    public string? StrongETag => ETag is { } tag && !tag.StartsWith("W/", StringComparison.Ordinal) ? tag : null;

    /// <summary>
    /// Set for a segmented download: the .part has its full length from the start and these
    /// pieces say which bytes of it are written. Null: the .part is written front to back.
    /// </summary>
    public IReadOnlyList<PieceRecord>? Pieces { get; init; }
}

/// <summary>One piece of a segmented download: bytes <c>[Start, Written)</c> are on disk, <c>[Written, End)</c> are still to fetch.</summary>
internal sealed record PieceRecord(long Start, long Written, long End);
