using Haul.Datasets;
using Haul.Errors;
using NetVips;

namespace Haul.Tests.Datasets;

public sealed class VipsImageProcessorTests
{
    private const string Url = "http://127.0.0.1/picture";

    [Theory]
    [InlineData(DatasetResizeMode.No, 400, 200)]
    [InlineData(DatasetResizeMode.KeepRatio, 200, 100)]
    [InlineData(DatasetResizeMode.KeepRatioLargest, 100, 50)]
    [InlineData(DatasetResizeMode.Border, 100, 100)]
    [InlineData(DatasetResizeMode.CenterCrop, 100, 100)]
    public void Process_EachResizeMode_DecodedDimensionsMatch(DatasetResizeMode mode, int width, int height)
    {
        var source = TestImages.Solid(400, 200, ".jpg", 200, 30, 30);

        var result = Processor(new DatasetImageOptions { ImageSize = 100, ResizeMode = mode }).Process(source, Url);

        using var decoded = TestImages.Decode(result.Bytes);
        (decoded.Width, decoded.Height).ShouldBe((width, height));
        (result.Width, result.Height, result.OriginalWidth, result.OriginalHeight).ShouldBe((width, height, 400, 200));
        decoded.Get("vips-loader").ShouldBe("jpegload_buffer");
    }

    [Fact]
    public void Process_Border_PadsWithWhiteAroundTheCentredPicture()
    {
        var source = TestImages.Solid(400, 200, ".png", 200, 30, 30);

        var result = Processor(new DatasetImageOptions { ImageSize = 100, ResizeMode = DatasetResizeMode.Border, EncodeFormat = DatasetEncodeFormat.Png, EncodeQuality = 6 }).Process(source, Url);

        using var decoded = TestImages.Decode(result.Bytes);
        decoded.Getpoint(50, 10).ShouldBe([255, 255, 255]);
        decoded.Getpoint(50, 90).ShouldBe([255, 255, 255]);
        decoded.Getpoint(50, 50).ShouldBe([200, 30, 30]);
        decoded.Getpoint(50, 25).ShouldBe([200, 30, 30]);
        decoded.Getpoint(50, 24).ShouldBe([255, 255, 255]);
    }

    [Fact]
    public void Process_ExifRotatedJpeg_OrientedBeforeResizing()
    {
        var source = TestImages.JpegWithOrientation(400, 200, orientation: 6);

        var result = Processor(new DatasetImageOptions { ImageSize = 100, ResizeMode = DatasetResizeMode.KeepRatio }).Process(source, Url);

        (result.OriginalWidth, result.OriginalHeight).ShouldBe((200, 400));
        using var decoded = TestImages.Decode(result.Bytes);
        (decoded.Width, decoded.Height).ShouldBe((100, 200));
        decoded.Contains("orientation").ShouldBeFalse();
    }

    [Fact]
    public void Process_CmykJpeg_BecomesThreeBandSrgb()
    {
        var result = Processor(new DatasetImageOptions { ImageSize = 64 }).Process(TestImages.CmykJpeg(128, 128), Url);

        using var decoded = TestImages.Decode(result.Bytes);
        decoded.Bands.ShouldBe(3);
        decoded.Interpretation.ShouldBe(Enums.Interpretation.Srgb);
        (decoded.Width, decoded.Height).ShouldBe((64, 64));
    }

    [Fact]
    public void Process_GreyJpeg_StaysOneBand()
    {
        var result = Processor(new DatasetImageOptions { ImageSize = 32, ResizeMode = DatasetResizeMode.KeepRatio }).Process(TestImages.Solid(64, 64, ".jpg", 120), Url);

        using var decoded = TestImages.Decode(result.Bytes);
        decoded.Bands.ShouldBe(1);
        (decoded.Width, decoded.Height).ShouldBe((32, 32));
    }

    [Fact]
    public void Process_Grey16Png_EncodedAsEightBitJpeg()
    {
        var result = Processor(new DatasetImageOptions { ImageSize = 32, ResizeMode = DatasetResizeMode.KeepRatio }).Process(TestImages.Grey16Png(64, 64), Url);

        using var decoded = TestImages.Decode(result.Bytes);
        decoded.Format.ShouldBe(Enums.BandFormat.Uchar);
        decoded.Getpoint(16, 16)[0].ShouldBe(40000 / 257.0, tolerance: 2);
    }

    [Fact]
    public void Process_TransparentPngToJpg_FlattenedOntoWhite()
    {
        var source = TestImages.Solid(64, 64, ".png", 10, 20, 30, 0);

        var result = Processor(new DatasetImageOptions { ImageSize = 32 }).Process(source, Url);

        using var decoded = TestImages.Decode(result.Bytes);
        decoded.Bands.ShouldBe(3);
        decoded.Getpoint(16, 16).ShouldAllBe(v => v >= 250);
    }

    [Fact]
    public void Process_AnimatedGif_FirstFrameOnly()
    {
        var result = Processor(new DatasetImageOptions { ImageSize = 40, ResizeMode = DatasetResizeMode.KeepRatio }).Process(TestImages.AnimatedGif(80, 40, frames: 3), Url);

        (result.OriginalWidth, result.OriginalHeight).ShouldBe((80, 40));
        (result.Width, result.Height).ShouldBe((80, 40));
    }

    [Theory]
    [InlineData(DatasetEncodeFormat.Png, 9, new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' })]
    [InlineData(DatasetEncodeFormat.Webp, 80, new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F' })]
    [InlineData(DatasetEncodeFormat.Jpg, 50, new byte[] { 0xFF, 0xD8, 0xFF })]
    public void Process_EncodeFormat_WrittenInThatFormat(DatasetEncodeFormat format, int quality, byte[] magic)
    {
        var result = Processor(new DatasetImageOptions { ImageSize = 32, EncodeFormat = format, EncodeQuality = quality }).Process(TestImages.Solid(64, 48, ".webp", 1, 2, 3), Url);

        result.Bytes.Take(magic.Length).ShouldBe(magic);
        using var decoded = TestImages.Decode(result.Bytes);
        (decoded.Width, decoded.Height).ShouldBe((32, 32));
    }

    [Fact]
    public void Process_ResizeOnlyIfBiggerSmallPicture_KeptAtItsSize()
    {
        var result = Processor(new DatasetImageOptions { ImageSize = 100, ResizeOnlyIfBigger = true }).Process(TestImages.Solid(80, 40, ".jpg", 9, 9, 9), Url);

        (result.Width, result.Height).ShouldBe((80, 40));
    }

    [Fact]
    public void Process_RandomBytes_DecodeFailure()
    {
        var ex = Should.Throw<DecodeException>(() => Processor(new DatasetImageOptions()).Process("this is not a picture at all"u8.ToArray(), Url));

        ex.Kind.ShouldBe(ErrorKind.Decode);
        ex.Kind.ToName().ShouldBe("decode");
        ex.Message.ShouldStartWith($"The picture at {Url} cannot be decoded: ");
        ex.Message.ShouldNotContain("\n");
    }

    [Fact]
    public void Process_TruncatedJpeg_DecodeFailure()
    {
        var whole = TestImages.NoiseJpeg(600, 400);

        Should.Throw<DecodeException>(() => Processor(new DatasetImageOptions()).Process(whole[..(whole.Length / 2)], Url));
    }

    [Fact]
    public void Process_MorePixelsThanTheLimit_RefusedFromTheHeader()
    {
        var ex = Should.Throw<DecodeException>(() => Processor(new DatasetImageOptions { MaxPixels = 9_999 }).Process(TestImages.Solid(100, 100, ".png", 0, 0, 0), Url));

        ex.Message.ShouldBe($"The picture at {Url} is 100x100, more than the limit of 9,999 pixels; it was not decoded.");
    }

    [Fact]
    public void Process_DecompressionBombPng_RefusedByTheDefaultLimit()
    {
        // A 100 x 100 PNG whose header claims 60,000 x 60,000: a few hundred bytes asking for 3.6 billion pixels.
        var bomb = TestImages.WithPngSize(TestImages.Solid(100, 100, ".png", 0), 60_000, 60_000);

        var ex = Should.Throw<DecodeException>(() => Processor(new DatasetImageOptions()).Process(bomb, Url));

        ex.Message.ShouldBe($"The picture at {Url} is 60000x60000, more than the limit of 89,478,485 pixels; it was not decoded.");
    }

    [Fact]
    public void Process_ThinStripScaledUpPastTheLimit_RefusedBeforeResizing()
    {
        var strip = TestImages.Solid(2_000, 1, ".png", 9, 9, 9);

        var ex = Should.Throw<DecodeException>(() => Processor(new DatasetImageOptions { ImageSize = 256, ResizeMode = DatasetResizeMode.KeepRatio, MaxPixels = 1_000_000 }).Process(strip, Url));

        ex.Message.ShouldBe($"The picture at {Url} is 2000x1; resized it would be 512000x256, more than the limit of 1,000,000 pixels.");
    }

    [Fact]
    public void Process_BorderSquarePastTheLimit_RefusedBeforeResizing()
    {
        var ex = Should.Throw<DecodeException>(() => Processor(new DatasetImageOptions { ImageSize = 2_000, ResizeMode = DatasetResizeMode.Border, MaxPixels = 1_000_000 }).Process(TestImages.Solid(1_000, 10, ".png", 9, 9, 9), Url));

        ex.Message.ShouldBe($"The picture at {Url} is 1000x10; resized it would be 2000x2000, more than the limit of 1,000,000 pixels.");
    }

    [Fact]
    public void Process_SmallerThanMinimum_Refused()
    {
        var ex = Should.Throw<ScopeException>(() => Processor(new DatasetImageOptions { MinImageSize = 250 }).Process(TestImages.Solid(400, 200, ".jpg", 1, 1, 1), Url));

        ex.Message.ShouldBe($"The picture at {Url} is 400x200, smaller than the minimum of 250 pixels on each side.");
    }

    [Fact]
    public void Process_AspectRatioAboveMaximum_Refused()
    {
        var ex = Should.Throw<ScopeException>(() => Processor(new DatasetImageOptions { MaxAspectRatio = 1.5 }).Process(TestImages.Solid(400, 200, ".jpg", 1, 1, 1), Url));

        ex.Message.ShouldBe($"The picture at {Url} is 400x200, an aspect ratio above the maximum of 1.5.");
    }

    [Theory]
    [InlineData(DatasetEncodeFormat.Png, 10)]
    [InlineData(DatasetEncodeFormat.Jpg, 0)]
    [InlineData(DatasetEncodeFormat.Webp, 101)]
    public void Constructor_QualityOutOfRange_Refused(DatasetEncodeFormat format, int quality)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => Processor(new DatasetImageOptions { EncodeFormat = format, EncodeQuality = quality }));
    }

    private static VipsImageProcessor Processor(DatasetImageOptions options) => new(options);
}
