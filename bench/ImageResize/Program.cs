using System.Globalization;
using Haul.Bench.ImageResize;

// Usage:
//   ImageResize generate DIR COUNT [SEED]        photo-like JPEGs 640x480 to 3000x2000 into DIR
//   ImageResize compare DIR [SIZE] [WORKERS] [LIMIT]
//                                                decode + EXIF orient + resize to SIZE (border, as
//                                                haul dataset's default) + JPEG 95, libvips (Haul's own
//                                                VipsImageProcessor) against SkiaSharp, on WORKERS
//                                                threads (default: the processors), over the first LIMIT
//                                                files (default 500: they are held in memory); prints samples/s
static int Usage()
{
    Console.Error.WriteLine("usage: ImageResize generate DIR COUNT [SEED] | compare DIR [SIZE] [WORKERS] [LIMIT]");
    return 2;
}

static int Int(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

if (args.Length < 2)
{
    return Usage();
}

switch (args[0])
{
    case "generate" when args.Length is 3 or 4:
        PhotoGenerator.Generate(args[1], Int(args[2]), args.Length == 4 ? Int(args[3]) : 16, Environment.ProcessorCount);
        return 0;
    case "compare" when args.Length is >= 2 and <= 5:
        var size = args.Length >= 3 ? Int(args[2]) : 256;
        var workers = args.Length >= 4 ? Int(args[3]) : Environment.ProcessorCount;
        var limit = args.Length == 5 ? Int(args[4]) : 500;
        return ResizeComparison.Run(args[1], size, workers, limit);
    default:
        return Usage();
}
