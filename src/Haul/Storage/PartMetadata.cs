namespace Haul.Storage;

/// <summary>What a resumed attempt needs to know about the bytes already in a <c>.part</c> file.</summary>
internal sealed record PartMetadata(string Url, string? ETag, DateTimeOffset? LastModified, long? Length)
{
    /// <summary>The <c>If-Range</c> validator: a strong ETag, else the Last-Modified date.</summary>
    public bool HasValidator => StrongETag is not null || LastModified is not null;

    public string? StrongETag => ETag is { } tag && !tag.StartsWith("W/", StringComparison.Ordinal) ? tag : null;
}
