using NetVips;

namespace Haul.Tests.Datasets;

/// <summary>Real encoded pictures made with libvips, for the data set tests.</summary>
internal static class TestImages
{
    /// <summary>A picture of one colour, in the given format (<c>.jpg</c>, <c>.png</c>, <c>.webp</c>, <c>.gif</c>).</summary>
    public static byte[] Solid(int width, int height, string format, params double[] colour)
    {
        using var black = Image.Black(width, height, bands: colour.Length);
        using var image = black.NewFromImage(colour);
        using var typed = colour.Length >= 3 ? image.Copy(interpretation: Enums.Interpretation.Srgb) : image.Copy(interpretation: Enums.Interpretation.Bw);
        return typed.WriteToBuffer(format);
    }

    /// <summary>A JPEG stored <paramref name="width"/> x <paramref name="height"/> with an EXIF orientation tag.</summary>
    public static byte[] JpegWithOrientation(int width, int height, int orientation)
    {
        using var black = Image.Black(width, height, bands: 3);
        using var image = black.NewFromImage([40, 160, 90]);
        using var typed = image.Copy(interpretation: Enums.Interpretation.Srgb);
        using var tagged = typed.Mutate(m => m.Set(GValue.GIntType, "orientation", orientation));
        return tagged.JpegsaveBuffer(q: 90, keep: Enums.ForeignKeep.All);
    }

    public static byte[] CmykJpeg(int width, int height)
    {
        using var black = Image.Black(width, height, bands: 4);
        using var image = black.NewFromImage([0, 200, 200, 0]);
        using var cmyk = image.Copy(interpretation: Enums.Interpretation.Cmyk);
        return cmyk.JpegsaveBuffer(q: 90);
    }

    /// <summary>A 16-bit grey PNG.</summary>
    public static byte[] Grey16Png(int width, int height)
    {
        using var black = Image.Black(width, height);
        using var grey = black.Linear([1.0], [40000.0]);
        using var wide = grey.Cast(Enums.BandFormat.Ushort);
        using var typed = wide.Copy(interpretation: Enums.Interpretation.Grey16);
        return typed.PngsaveBuffer();
    }

    /// <summary>An animated GIF of <paramref name="frames"/> frames, each <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static byte[] AnimatedGif(int width, int height, int frames)
    {
        using var black = Image.Black(width, height * frames, bands: 3);
        using var image = black.NewFromImage([200, 20, 20]);
        using var typed = image.Copy(interpretation: Enums.Interpretation.Srgb);
        using var paged = typed.Mutate(m => m.Set(GValue.GIntType, "page-height", height));
        return paged.GifsaveBuffer();
    }

    /// <summary>A JPEG of noise, so that every part of the file holds picture data.</summary>
    public static byte[] NoiseJpeg(int width, int height)
    {
        using var noise = Image.Gaussnoise(width, height, mean: 128, sigma: 40);
        using var bytes = noise.Cast(Enums.BandFormat.Uchar);
        return bytes.JpegsaveBuffer(q: 90);
    }

    /// <summary>The PNG with the width and height in its header replaced (and the header's CRC made right again).</summary>
    public static byte[] WithPngSize(byte[] png, int width, int height)
    {
        var patched = (byte[])png.Clone();
        // Signature (8), IHDR length (4) and type (4), then width and height, big-endian; the CRC covers type and data.
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(patched.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(patched.AsSpan(20), height);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(patched.AsSpan(29), Crc32(patched.AsSpan(12, 17)));
        return patched;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    public static Image Decode(byte[] data) => Image.NewFromBuffer(data, access: Enums.Access.Random);
}
