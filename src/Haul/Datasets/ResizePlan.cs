namespace Haul.Datasets;

/// <summary>What becomes of the canvas after scaling.</summary>
internal enum CanvasChange { None, Pad, Crop }

/// <summary>
/// The geometry of one picture's resize, decided from its displayed size alone: the size it is
/// scaled to, then the square it is padded or cropped to, if any. Rounding is Python's (half to
/// even), as img2dataset's resizer rounds.
/// </summary>
internal readonly record struct ResizePlan(int ScaledWidth, int ScaledHeight, CanvasChange Change, int Side)
{
    public int Width => Change == CanvasChange.None ? ScaledWidth : Side;

    public int Height => Change == CanvasChange.None ? ScaledHeight : Side;

    public static ResizePlan For(int width, int height, DatasetImageOptions options)
    {
        var size = options.ImageSize;
        var smaller = Math.Min(width, height);
        var larger = Math.Max(width, height);
        switch (options.ResizeMode)
        {
            case DatasetResizeMode.KeepRatio or DatasetResizeMode.CenterCrop when !options.ResizeOnlyIfBigger || smaller > size:
            {
                var (w, h) = Scale(width, height, (double)size / smaller);
                return new ResizePlan(w, h, options.ResizeMode == DatasetResizeMode.CenterCrop ? CanvasChange.Crop : CanvasChange.None, size);
            }

            case DatasetResizeMode.KeepRatioLargest or DatasetResizeMode.Border when !options.ResizeOnlyIfBigger || larger > size:
            {
                var (w, h) = Scale(width, height, (double)size / larger);
                return new ResizePlan(w, h, options.ResizeMode == DatasetResizeMode.Border ? CanvasChange.Pad : CanvasChange.None, size);
            }

            default:
                return new ResizePlan(width, height, CanvasChange.None, size);
        }
    }

    private static (int Width, int Height) Scale(int width, int height, double scale) =>
        (Math.Max(1, (int)Math.Round(width * scale, MidpointRounding.ToEven)),
         Math.Max(1, (int)Math.Round(height * scale, MidpointRounding.ToEven)));
}
