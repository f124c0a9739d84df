using System.Runtime.CompilerServices;

namespace Haul.Datasets;

/// <summary>
/// Cuts the input into shards as img2dataset does: every input file is cut into shards of the
/// shard size, the last shard of a file may be shorter, and numbers run on from file to file.
/// So a sample's shard and key depend only on the input, and are the same on every run.
/// Only the shard being filled is held in memory.
/// </summary>
internal static class DatasetSharder
{
    public static async IAsyncEnumerable<DatasetShard> ShardAsync(
        IAsyncEnumerable<DatasetSample> samples,
        int samplesPerShard,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfLessThan(samplesPerShard, 1);
        var current = new List<DatasetSample>();
        var file = -1;
        long number = 0;
        await foreach (var sample in samples.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if ((sample.FileIndex != file && current.Count > 0) || current.Count == samplesPerShard)
            {
                yield return new DatasetShard(number++, current);
                current = [];
            }

            file = sample.FileIndex;
            current.Add(sample);
        }

        if (current.Count > 0)
        {
            yield return new DatasetShard(number, current);
        }
    }
}
