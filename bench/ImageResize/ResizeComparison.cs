using System.Diagnostics;
using System.Globalization;
using Haul.Datasets;
using NetVips;
using SkiaSharp;

namespace Haul.Bench.ImageResize;

/// <summary>
/// Times one thumbnail path over every JPEG of a folder (held in memory, so the disk is out of
/// the measurement) on a number of threads, for three paths: Haul's <see cref="VipsImageProcessor"/>
/// as <c>haul dataset</c> runs it, libvips' bare thumbnail + JPEG save (the in-process floor), and
/// SkiaSharp doing the same job (scaled JPEG decode, EXIF orientation, cubic resize, white
/// border, JPEG 95). Each path runs twice, alternating, after a warm-up; the better round counts.
/// </summary>
internal static class ResizeComparison
{
    public static int Run(string folder, int size, int workers, int limit)
    {
        var files = Directory.GetFiles(folder, "*.jpg").Order(StringComparer.Ordinal).Take(limit).Select(File.ReadAllBytes).ToArray();
        if (files.Length == 0)
        {
            Console.Error.WriteLine($"no .jpg file in {folder}");
            return 2;
        }

        var options = new DatasetImageOptions { ImageSize = size };
        var haul = new VipsImageProcessor(options);
        var paths = new (string Name, Func<byte[], (int Width, int Height)> Process)[]
        {
            ("haul VipsImageProcessor", data => { var image = haul.Process(data, "bench"); return (image.Width, image.Height); }),
            ("libvips thumbnail+jpegsave", data => VipsThumbnail(data, size)),
            ("SkiaSharp", data => Skia(data, options)),
        };

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{files.Length} files, {files.Sum(f => (long)f.Length) / 1e6:0.0} MB, size {size}, {workers} threads, {Environment.ProcessorCount} processors"));
        var best = paths.ToDictionary(p => p.Name, _ => double.MaxValue);
        foreach (var (name, process) in paths)
        {
            // Warm-up: native libraries loaded, code jitted; and every output checked once.
            foreach (var data in files.Take(8))
            {
                var (w, h) = process(data);
                if (w != size || h != size)
                {
                    Console.Error.WriteLine($"{name} made {w}x{h}, not {size}x{size}");
                    return 1;
                }
            }
        }

        for (var round = 0; round < 2; round++)
        {
            foreach (var (name, process) in paths)
            {
                var clock = Stopwatch.StartNew();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = workers }, data => process(data));
                var seconds = clock.Elapsed.TotalSeconds;
                var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
                best[name] = Math.Min(best[name], seconds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round + 1}  {name,-28} {files.Length / seconds,8:0.0} samples/s  {files.Length / cpuSeconds,7:0.0} samples/CPU-s"));
            }
        }

        foreach (var (name, seconds) in best)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"best    {name,-28} {files.Length / seconds,8:0.0} samples/s  {files.Length / seconds / workers,7:0.0} per thread"));
        }

        return 0;
    }

    private static (int Width, int Height) VipsThumbnail(byte[] data, int size)
    {
        using var thumbnail = Image.ThumbnailBuffer(data, size, height: size);
        using var square = thumbnail.Gravity(Enums.CompassDirection.Centre, size, size, extend: Enums.Extend.White);
        var bytes = square.JpegsaveBuffer(q: 95, keep: Enums.ForeignKeep.None);
        return bytes.Length > 0 ? (square.Width, square.Height) : (0, 0);
    }

    /// <summary>Haul's default job (border mode) with SkiaSharp: the JPEG is decoded at the smallest DCT scale not below the target.</summary>
    private static (int Width, int Height) Skia(byte[] data, DatasetImageOptions options)
    {
        using var encoded = SKData.CreateCopy(data);
        using var codec = SKCodec.Create(encoded) ?? throw new InvalidOperationException("SkiaSharp cannot read the file.");
        var origin = codec.EncodedOrigin;
        var turned = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var stored = codec.Info;
        var plan = ResizePlan.For(turned ? stored.Height : stored.Width, turned ? stored.Width : stored.Height, options);
        var (storedWidth, storedHeight) = turned ? (plan.ScaledHeight, plan.ScaledWidth) : (plan.ScaledWidth, plan.ScaledHeight);
        var scaled = codec.GetScaledDimensions(Math.Max((float)storedWidth / stored.Width, (float)storedHeight / stored.Height));
        var decodeInfo = new SKImageInfo(scaled.Width, scaled.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var decoded = new SKBitmap(decodeInfo);
        var result = codec.GetPixels(decodeInfo, decoded.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            throw new InvalidOperationException($"SkiaSharp could not decode: {result}.");
        }

        using var picture = SKImage.FromBitmap(decoded);
        using var output = new SKBitmap(new SKImageInfo(plan.Width, plan.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(output))
        {
            canvas.Clear(SKColors.White);
            canvas.Translate((plan.Width - plan.ScaledWidth) / 2, (plan.Height - plan.ScaledHeight) / 2);
            // Mirrored orientations (2, 4, 5, 7) are drawn as their unmirrored turn: the generated files carry 6 and 8 only.
            switch (origin)
            {
                case SKEncodedOrigin.RightTop or SKEncodedOrigin.LeftTop:
                    canvas.Translate(plan.ScaledWidth, 0);
                    canvas.RotateDegrees(90);
                    break;
                case SKEncodedOrigin.LeftBottom or SKEncodedOrigin.RightBottom:
                    canvas.Translate(0, plan.ScaledHeight);
                    canvas.RotateDegrees(270);
                    break;
                case SKEncodedOrigin.BottomRight or SKEncodedOrigin.BottomLeft:
                    canvas.Translate(plan.ScaledWidth, plan.ScaledHeight);
                    canvas.RotateDegrees(180);
                    break;
            }

            canvas.DrawImage(picture, SKRect.Create(storedWidth, storedHeight), new SKSamplingOptions(SKCubicResampler.Mitchell));
        }

        using var image = SKImage.FromBitmap(output);
        using var jpeg = image.Encode(SKEncodedImageFormat.Jpeg, 95);
        return jpeg.Size > 0 ? (output.Width, output.Height) : (0, 0);
    }
}
