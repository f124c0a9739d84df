namespace Haul.Datasets;

/// <summary>How pictures are brought to <see cref="DatasetImageOptions.ImageSize"/>, as img2dataset defines the modes.</summary>
public enum DatasetResizeMode
{
    /// <summary>Kept at their own size (still decoded, oriented and re-encoded).</summary>
    No,
    /// <summary>The larger side becomes the size, then the picture is centred on a white square of the size.</summary>
    Border,
    /// <summary>The smaller side becomes the size; the aspect ratio is kept.</summary>
    KeepRatio,
    /// <summary>The larger side becomes the size; the aspect ratio is kept.</summary>
    KeepRatioLargest,
    /// <summary>The smaller side becomes the size, then the centre square of the size is cut out.</summary>
    CenterCrop,
}
