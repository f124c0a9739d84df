using System.Globalization;
using NetVips;

namespace Haul.Bench.ImageResize;

/// <summary>
/// Photo-like JPEGs: smooth colour clouds (upscaled low-resolution noise) over a gradient, with
/// fine grain on top, so the files compress like photographs (a few hundred KB at 3000x2000), not
/// like pure noise; each file is a part of one of eight such scenes. Sizes are drawn from 640x480 to 3000x2000 with common aspect ratios; one file
/// in twenty carries an EXIF orientation that turns it a quarter, as phone pictures do.
/// </summary>
internal static class PhotoGenerator
{
    private static readonly double[] Ratios = [4.0 / 3, 3.0 / 2, 16.0 / 9, 1.0, 3.0 / 4, 2.0 / 3];

    // Making a scene (noise per pixel, clouds, gradients) costs several times its JPEG encoding:
    // eight scenes of the largest size are made once, and every picture is a part of one of them
    // cut at a random place, so ten thousand files take minutes, not an hour.
    private static readonly Lazy<Image>[] Scenes = Enumerable.Range(0, 8)
        .Select(i => new Lazy<Image>(() => Scene(new Random(1_000 + i), 3000, 2000)))
        .ToArray();

    public static void Generate(string folder, int count, int seed, int workers)
    {
        Directory.CreateDirectory(folder);
        var width = Math.Max(6, count.ToString(CultureInfo.InvariantCulture).Length);
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = workers }, i =>
        {
            // One generator per file: the same seed gives the same files whatever the scheduling.
            var random = new Random(HashCode.Combine(seed, i));
            var name = Path.Combine(folder, (i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(width, '0') + ".jpg");
            File.WriteAllBytes(name + ".tmp", Photo(random));
            File.Move(name + ".tmp", name, overwrite: true);
        });
    }

    private static byte[] Photo(Random random)
    {
        var ratio = Ratios[random.Next(Ratios.Length)];
        int w, h;
        do
        {
            w = random.Next(640, 3001);
            h = (int)Math.Round(w / ratio);
        }
        while (h < 480 || h > 2000);

        var scene = Scenes[random.Next(Scenes.Length)].Value;
        using var part = scene.ExtractArea(random.Next(3001 - w), random.Next(2001 - h), w, h);
        if (random.Next(20) == 0)
        {
            using var tagged = part.Mutate(m => m.Set(GValue.GIntType, "orientation", random.Next(2) == 0 ? 6 : 8));
            return tagged.JpegsaveBuffer(q: 85 + random.Next(11), keep: Enums.ForeignKeep.Exif);
        }

        return part.JpegsaveBuffer(q: 85 + random.Next(11), keep: Enums.ForeignKeep.None);
    }

    private static Image Scene(Random random, int w, int h)
    {
        using var grain = Image.Gaussnoise(w, h, mean: 0, sigma: 6 + (random.NextDouble() * 10));
        using var xyz = Image.Xyz(w, h);
        using var x = xyz[0];
        using var y = xyz[1];
        var bands = new Image[3];
        try
        {
            for (var b = 0; b < 3; b++)
            {
                var cell = random.Next(24, 96);
                using var small = Image.Gaussnoise((w / cell) + 2, (h / cell) + 2, mean: 128, sigma: 40 + (random.NextDouble() * 30));
                using var clouds = small.Resize((double)cell, kernel: Enums.Kernel.Cubic);
                using var cropped = clouds.ExtractArea(0, 0, w, h);
                using var gx = x.Linear([random.NextDouble() * 120 / w], [0.0]);
                using var gy = y.Linear([random.NextDouble() * 120 / h], [(random.NextDouble() * 60) - 60]);
                using var gradient = gx + gy;
                using var mixed = cropped + gradient;
                bands[b] = mixed + grain;
            }

            using var joined = bands[0].Bandjoin(bands[1], bands[2]);
            using var bytes = joined.Cast(Enums.BandFormat.Uchar);
            using var srgb = bytes.Copy(interpretation: Enums.Interpretation.Srgb);
            return srgb.CopyMemory();
        }
        finally
        {
            foreach (var band in bands)
            {
                band?.Dispose();
            }
        }
    }
}
