using System.Globalization;

namespace Haul.Datasets;

/// <summary>
/// Shard names and sample keys as img2dataset makes them, so existing loaders find the same names:
/// a shard is its number on <see cref="ShardDigits"/> digits (<c>00042</c>); a key is the shard number
/// followed by the index within the shard on as many digits as the shard size needs
/// (10,000 per shard: 4, so <c>000420017</c>).
/// </summary>
internal static class DatasetKeys
{
    /// <summary>img2dataset's default <c>oom_shard_count</c>: room for 100,000 shards before names grow wider.</summary>
    public const int ShardDigits = 5;

    /// <summary>The digits of an index within a shard: the ceiling of log10 of the shard size, computed exactly.</summary>
    public static int IndexDigits(int samplesPerShard)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samplesPerShard, 1);
        var digits = 0;
        for (long power = 1; power < samplesPerShard; power *= 10)
        {
            digits++;
        }

        return digits;
    }

    public static string ShardName(long shard) => shard.ToString("D" + ShardDigits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string Key(long shard, int index, int samplesPerShard)
    {
        var digits = IndexDigits(samplesPerShard);
        long scale = 1;
        for (var i = 0; i < digits; i++)
        {
            scale *= 10;
        }

        return checked((shard * scale) + index).ToString("D" + (ShardDigits + digits).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}
