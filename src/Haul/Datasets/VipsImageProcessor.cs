using Haul.Errors;
using NetVips;

namespace Haul.Datasets;

/// <summary>
/// Decodes, orients, resizes and re-encodes pictures with libvips. The header is read first, so
/// a decompression bomb is refused before any pixel is decoded; the resize itself is a
/// thumbnail, which lets JPEG and WebP shrink while decoding.
/// </summary>
internal sealed class VipsImageProcessor : IImageProcessor
{
    private static readonly double[] White = [255, 255, 255];
    private static readonly double[] WhiteGrey = [255];

    private readonly DatasetImageOptions _options;

    static VipsImageProcessor()
    {
        VipsRuntime.EnsureStarted();

        // Every picture is decoded once: libvips' operation cache would only hold decoded buffers in memory.
        Cache.Max = 0;
        // The pipeline decodes one picture per processor at once; libvips' own worker threads for
        // each operation (one per processor by default) would only contend with them.
        NetVips.NetVips.Concurrency = 1;
    }

    public VipsImageProcessor(DatasetImageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    public ProcessedImage Process(byte[] data, string url)
    {
        ArgumentNullException.ThrowIfNull(data);
        var (width, height) = DisplayedSize(data, url);
        if (Math.Min(width, height) < _options.MinImageSize)
        {
            throw HaulErrors.ImageTooSmall(url, width, height, _options.MinImageSize);
        }

        if ((double)Math.Max(width, height) / Math.Min(width, height) > _options.MaxAspectRatio)
        {
            throw HaulErrors.AspectRatioTooLarge(url, width, height, _options.MaxAspectRatio);
        }

        var plan = ResizePlan.For(width, height, _options);
        // A thin strip scaled by its short side (10,000 x 1 to 256 high), or a border of a huge size,
        // would be a bomb of our own making.
        if ((long)plan.ScaledWidth * plan.ScaledHeight > _options.MaxPixels)
        {
            throw HaulErrors.ResizedTooLarge(url, width, height, plan.ScaledWidth, plan.ScaledHeight, _options.MaxPixels);
        }

        if ((long)plan.Width * plan.Height > _options.MaxPixels)
        {
            throw HaulErrors.ResizedTooLarge(url, width, height, plan.Width, plan.Height, _options.MaxPixels);
        }
        var made = new List<Image>();
        try
        {
            // Force: the exact size of the plan, upscaling included; the orientation tag is applied.
            // fail_on goes to the loader as an option string: the thumbnail's own failOn argument does
            // not reach it, and a truncated file would come out with its missing part grey.
            var image = Keep(made, Image.ThumbnailBuffer(data, plan.ScaledWidth, optionString: "fail_on=truncated", height: plan.ScaledHeight, size: Enums.Size.Force));
            image = Keep(made, ToEightBit(image));
            if (image.HasAlpha())
            {
                // img2dataset flattens transparency onto white whatever the output format.
                image = Keep(made, image.Flatten(background: Background(image)));
            }

            image = plan.Change switch
            {
                CanvasChange.Pad => Keep(made, image.Embed(
                    (plan.Side - image.Width) / 2, (plan.Side - image.Height) / 2, plan.Side, plan.Side,
                    extend: Enums.Extend.Background, background: Background(image))),
                CanvasChange.Crop => Keep(made, image.ExtractArea(
                    (image.Width - plan.Side) / 2, (image.Height - plan.Side) / 2, plan.Side, plan.Side)),
                _ => image,
            };

            return new ProcessedImage(Encode(image), image.Width, image.Height, width, height);
        }
        catch (VipsException ex)
        {
            throw HaulErrors.Undecodable(url, ex);
        }
        finally
        {
            foreach (var image in made)
            {
                image.Dispose();
            }
        }
    }

    /// <summary>The size as displayed, from the header alone; refuses more pixels than the limit before decoding any.</summary>
    private (int Width, int Height) DisplayedSize(byte[] data, string url)
    {
        try
        {
            using var header = Image.NewFromBuffer(data, access: Enums.Access.Sequential, failOn: Enums.FailOn.Truncated);
            var (width, height) = (header.Width, header.Height);
            if ((long)width * height > _options.MaxPixels)
            {
                throw HaulErrors.TooManyPixels(url, width, height, _options.MaxPixels);
            }

            var orientation = header.Contains("orientation") ? Convert.ToInt32(header.Get("orientation"), System.Globalization.CultureInfo.InvariantCulture) : 1;
            return orientation is >= 5 and <= 8 ? (height, width) : (width, height);
        }
        catch (VipsException ex)
        {
            throw HaulErrors.Undecodable(url, ex);
        }
    }

    /// <summary>Grey stays grey and everything else becomes sRGB, 8 bits a band (CMYK, 16-bit, Lab, ...).</summary>
    private static Image ToEightBit(Image image)
    {
        var colourBands = image.HasAlpha() ? image.Bands - 1 : image.Bands;
        var target = colourBands == 1 ? Enums.Interpretation.Bw : Enums.Interpretation.Srgb;
        return image.Interpretation == target && image.Format == Enums.BandFormat.Uchar ? image : image.Colourspace(target);
    }

    private static double[] Background(Image image) =>
        (image.HasAlpha() ? image.Bands - 1 : image.Bands) == 1 ? WhiteGrey : White;

    private byte[] Encode(Image image) => _options.EncodeFormat switch
    {
        DatasetEncodeFormat.Jpg => image.JpegsaveBuffer(q: _options.EncodeQuality, keep: Enums.ForeignKeep.None),
        DatasetEncodeFormat.Png => image.PngsaveBuffer(compression: _options.EncodeQuality, keep: Enums.ForeignKeep.None),
        DatasetEncodeFormat.Webp => image.WebpsaveBuffer(q: _options.EncodeQuality, keep: Enums.ForeignKeep.None),
        _ => throw new ArgumentOutOfRangeException(nameof(image), _options.EncodeFormat, null),
    };

    private static Image Keep(List<Image> made, Image image)
    {
        if (!made.Contains(image))
        {
            made.Add(image);
        }

        return image;
    }
}
