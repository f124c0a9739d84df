namespace Haul.Datasets;

/// <summary>A picture after decoding, orienting, resizing and re-encoding.</summary>
/// <param name="Bytes">The encoded picture.</param>
/// <param name="Width">Its width.</param>
/// <param name="Height">Its height.</param>
/// <param name="OriginalWidth">The width of the downloaded picture, as displayed (after EXIF orientation).</param>
/// <param name="OriginalHeight">The height of the downloaded picture, as displayed.</param>
internal sealed record ProcessedImage(byte[] Bytes, int Width, int Height, int OriginalWidth, int OriginalHeight);
