namespace Haul.Datasets;

/// <summary>How a data set's pictures are checked, resized and re-encoded (img2dataset's options).</summary>
public sealed record DatasetImageOptions
{
    /// <summary>
    /// PIL's limit (1024 x 1024 x 1024 / 4 / 3): above it a picture is treated as a decompression
    /// bomb, refused from its header before any pixel is decoded.
    /// </summary>
    public const long DefaultMaxPixels = 89_478_485;

    /// <summary>The side, in pixels, the resize mode aims at (default 256).</summary>
    public int ImageSize { get; init; } = 256;

    /// <summary>How pictures are brought to <see cref="ImageSize"/> (default <see cref="DatasetResizeMode.Border"/>, as img2dataset).</summary>
    public DatasetResizeMode ResizeMode { get; init; } = DatasetResizeMode.Border;

    /// <summary>Only shrink: a picture already within the size is left at its size (and not padded or cropped).</summary>
    public bool ResizeOnlyIfBigger { get; init; }

    /// <summary>The format pictures are written in (default <see cref="DatasetEncodeFormat.Jpg"/>).</summary>
    public DatasetEncodeFormat EncodeFormat { get; init; } = DatasetEncodeFormat.Jpg;

    /// <summary>JPEG and WebP quality, 1 to 100 (default 95); for PNG, the compression level 0 to 9.</summary>
    public int EncodeQuality { get; init; } = 95;

    /// <summary>A picture whose smaller side (as displayed) is below this is refused (default 0: none).</summary>
    public int MinImageSize { get; init; }

    /// <summary>A picture whose larger side over its smaller is above this is refused (default: no limit).</summary>
    public double MaxAspectRatio { get; init; } = double.PositiveInfinity;

    /// <summary>A picture whose header declares more pixels than this is refused undecoded (default <see cref="DefaultMaxPixels"/>).</summary>
    public long MaxPixels { get; init; } = DefaultMaxPixels;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a value outside its range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ImageSize, 1, nameof(ImageSize));
        ArgumentOutOfRangeException.ThrowIfNegative(MinImageSize, nameof(MinImageSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPixels, 1L, nameof(MaxPixels));
        if (double.IsNaN(MaxAspectRatio) || MaxAspectRatio < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAspectRatio), MaxAspectRatio, "The largest aspect ratio is 1 or more.");
        }

        var (low, high) = EncodeFormat == DatasetEncodeFormat.Png ? (0, 9) : (1, 100);
        if (EncodeQuality < low || EncodeQuality > high)
        {
            throw new ArgumentOutOfRangeException(nameof(EncodeQuality), EncodeQuality, $"The {EncodeFormat.ToString().ToLowerInvariant()} quality is {low} to {high}.");
        }
    }
}
