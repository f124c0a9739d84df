namespace Haul.Datasets;

/// <summary>The format pictures are re-encoded in.</summary>
public enum DatasetEncodeFormat
{
    /// <summary>JPEG (<c>.jpg</c>); transparency is flattened onto white.</summary>
    Jpg,
    /// <summary>PNG (<c>.png</c>); the quality is the zlib compression level, 0 to 9.</summary>
    Png,
    /// <summary>WebP (<c>.webp</c>), lossy.</summary>
    Webp,
}
