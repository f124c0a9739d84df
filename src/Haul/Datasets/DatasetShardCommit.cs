using Haul.Journal;

namespace Haul.Datasets;

/// <summary>
/// Moves a shard built in a staging folder into the output folder. The staged shard is whole
/// before anything moves (its stats exist), the live stats go first and come back last, so a
/// reader never takes a half-moved shard for complete, and a kill part-way leaves the staged
/// remainder for <see cref="RecoverAsync"/> to finish: the old shard or the new, never a mix.
/// Two processes committing one shard take turns through a lock file, <c>OUT/.haul/shard-00000.lock</c>.
/// </summary>
internal static class DatasetShardCommit
{
    /// <summary>Where a <c>--retry-failed</c> rewrite stages its shards: <c>OUT/.haul/retry/</c>.</summary>
    public static string RetryFolder(string outputFolder) => Path.Combine(outputFolder, DownloadJournal.FolderName, "retry");

    /// <summary>
    /// Commits <paramref name="staged"/> as <paramref name="live"/>. With <paramref name="replace"/>
    /// a complete live shard is replaced; without, a live shard already complete (another worker's)
    /// wins and the staged one is dropped. Returns whether the staged shard was moved in.
    /// </summary>
    public static async Task<bool> CommitAsync(DatasetShardFiles staged, DatasetShardFiles live, bool replace, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(staged);
        ArgumentNullException.ThrowIfNull(live);
        if (!staged.IsComplete)
        {
            throw new InvalidOperationException($"The staged shard {staged.Stats} is not complete.");
        }

        var lockPath = HaulFolder.Prepare(Path.GetDirectoryName(live.Stats)!, "shard-" + live.Name + ".lock");
        await using var gate = await LockAsync(lockPath, timeProvider, cancellationToken).ConfigureAwait(false);
        if (!replace && live.IsComplete)
        {
            staged.RemoveLeftovers();
            return false;
        }

        if (!replace)
        {
            // What a worker killed part-way through its own commit left.
            live.RemoveLeftovers();
        }

        Move(staged, live);
        return true;
    }

    /// <summary>
    /// Finishes the rewrites a killed <c>--retry-failed</c> run began moving in, and drops those it had
    /// not finished staging (their live shard is still the old one, intact).
    /// </summary>
    public static async Task RecoverAsync(string outputFolder, DatasetOutputFormat format, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var folder = RetryFolder(outputFolder);
        if (!Directory.Exists(folder))
        {
            return;
        }

        foreach (var stats in Directory.EnumerateFiles(folder, "*_stats.json").Order(StringComparer.Ordinal).ToList())
        {
            var name = Path.GetFileName(stats)[..^"_stats.json".Length];
            if (!long.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
            {
                continue;
            }

            await CommitAsync(new DatasetShardFiles(folder, number, format), new DatasetShardFiles(outputFolder, number, format), replace: true, timeProvider, cancellationToken).ConfigureAwait(false);
        }

        Directory.Delete(folder, recursive: true);
    }

    private static void Move(DatasetShardFiles staged, DatasetShardFiles live)
    {
        // Every step can be taken again: a file already moved is no longer staged, and is skipped.
        File.Delete(live.Stats);
        if (staged.Data is { } data && live.Data is { } target && (File.Exists(data) || Directory.Exists(data)))
        {
            if (Directory.Exists(data))
            {
                if (Directory.Exists(target))
                {
                    Directory.Delete(target, recursive: true);
                }

                Directory.Move(data, target);
            }
            else
            {
                File.Move(data, target, overwrite: true);
            }
        }

        if (File.Exists(staged.Parquet))
        {
            File.Move(staged.Parquet, live.Parquet, overwrite: true);
        }

        File.Move(staged.Stats, live.Stats, overwrite: true);
    }

    private static async Task<FileStream> LockAsync(string path, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        while (true)
        {
            FileStream? stream = null;
            try
            {
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);

                // A record lock too: the share mode alone is not enforced where the runtime is told not to lock files.
                if (!OperatingSystem.IsMacOS())
                {
                    stream.Lock(0, 1);
                }

                return stream;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process is committing this shard; a commit is a few renames.
                if (stream is not null)
                {
                    await stream.DisposeAsync().ConfigureAwait(false);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(20), timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
