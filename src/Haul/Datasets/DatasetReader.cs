using System.Formats.Tar;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Haul.Datasets;

/// <summary>
/// Reads a data set that <c>haul dataset</c> (or img2dataset) wrote, for a training loop: shard by
/// shard in shard order, member by member in key order, so only the batch being filled is held in
/// memory. Only complete shards are read (those whose <c>_stats.json</c> exists); a shard still being
/// written, or the temporaries of one, is not seen.
/// </summary>
public static partial class DatasetReader
{
    private const int BufferBytes = 1 << 16;

    /// <summary>
    /// Yields the samples of every complete shard in <paramref name="folder"/> in batches of
    /// <paramref name="batchSize"/>; the last batch holds what is left and may be smaller. Reads
    /// <c>webdataset</c> shards (<c>00000.tar</c>) and <c>files</c> shards (<c>00000/</c>).
    /// </summary>
    /// <exception cref="DatasetInputException">The folder does not exist, or a shard cannot be read.</exception>
    public static async IAsyncEnumerable<IReadOnlyList<DatasetItem>> ReadBatchesAsync(
        string folder,
        int batchSize,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var batch = new List<DatasetItem>(Math.Min(batchSize, 4096));
        await foreach (var item in ReadAsync(folder, cancellationToken).ConfigureAwait(false))
        {
            batch.Add(item);
            if (batch.Count == batchSize)
            {
                yield return batch;
                batch = new List<DatasetItem>(Math.Min(batchSize, 4096));
            }
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    /// <summary>Yields the samples of every complete shard in <paramref name="folder"/>, one at a time, in shard then key order.</summary>
    /// <exception cref="DatasetInputException">The folder does not exist, or a shard cannot be read.</exception>
    public static async IAsyncEnumerable<DatasetItem> ReadAsync(string folder, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folder);
        foreach (var shard in CompleteShards(folder))
        {
            var tar = Path.Combine(folder, shard + ".tar");
            var directory = Path.Combine(folder, shard);
            IAsyncEnumerable<(string Name, byte[] Content)> members;
            if (File.Exists(tar))
            {
                members = TarMembersAsync(tar, cancellationToken);
            }
            else if (Directory.Exists(directory))
            {
                members = FolderMembersAsync(directory, cancellationToken);
            }
            else
            {
                // A parquet-format shard: its pictures are rows of 00000.parquet, for a parquet reader.
                throw new DatasetInputException(folder, $"The shard {shard} in {folder} has neither {shard}.tar nor a folder {shard}/; parquet-format shards are read with a Parquet reader.");
            }

            await foreach (var item in ItemsAsync(members).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }
        }
    }

    /// <summary>The names (<c>00000</c>) of the complete shards, in order.</summary>
    internal static IReadOnlyList<string> CompleteShards(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new DatasetInputException(folder, $"The data set folder {folder} does not exist.");
        }

        return [.. Directory.EnumerateFiles(folder, "*" + StatsSuffix)
            .Select(Path.GetFileName)
            .Where(name => name is not null && StatsName().IsMatch(name))
            .Select(name => name![..^StatsSuffix.Length])
            .Order(StringComparer.Ordinal)];
    }

    private const string StatsSuffix = "_stats.json";

    /// <summary>Groups consecutive members by key (the name up to its first dot, as WebDataset does).</summary>
    private static async IAsyncEnumerable<DatasetItem> ItemsAsync(IAsyncEnumerable<(string Name, byte[] Content)> members)
    {
        string? key = null;
        var parts = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await foreach (var (name, content) in members.ConfigureAwait(false))
        {
            var file = Path.GetFileName(name);
            var dot = file.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0)
            {
                continue;
            }

            var memberKey = file[..dot];
            if (key is not null && memberKey != key && Item(key, parts) is { } finished)
            {
                yield return finished;
            }

            if (memberKey != key)
            {
                parts.Clear();
                key = memberKey;
            }

            parts[file[(dot + 1)..]] = content;
        }

        if (key is not null && Item(key, parts) is { } last)
        {
            yield return last;
        }
    }

    private static DatasetItem? Item(string key, Dictionary<string, byte[]> parts)
    {
        var picture = parts.Where(p => p.Key is not ("txt" or "json")).OrderBy(p => p.Key, StringComparer.Ordinal).FirstOrDefault();
        if (picture.Value is null)
        {
            return null;
        }

        var caption = parts.TryGetValue("txt", out var text) ? Encoding.UTF8.GetString(text) : null;
        JsonElement metadata = default;
        if (parts.TryGetValue("json", out var json))
        {
            try
            {
                using var document = JsonDocument.Parse(json);
                metadata = document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new DatasetInputException(key, $"The metadata {key}.json is not JSON: {ex.Message}", ex);
            }
        }

        return new DatasetItem(key, picture.Value, picture.Key, caption, metadata);
    }

    internal static async IAsyncEnumerable<(string Name, byte[] Content)> TarMembersAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferBytes, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            var tar = new TarReader(stream);
            await using (tar.ConfigureAwait(false))
            {
                while (true)
                {
                    TarEntry? entry;
                    byte[] content;
                    try
                    {
                        entry = await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
                        if (entry is null)
                        {
                            break;
                        }

                        if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                        {
                            continue;
                        }

                        if (entry.Length > Array.MaxLength)
                        {
                            throw new DatasetInputException(path, $"{path} has a member {entry.Name} of {entry.Length} bytes, too large to read.");
                        }

                        content = new byte[entry.Length];
                        await entry.DataStream.ReadExactlyAsync(content, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException)
                    {
                        throw new DatasetInputException(path, $"{path} is not a whole tar: {ex.Message}", ex);
                    }

                    yield return (entry.Name, content);
                }
            }
        }
    }

    internal static async IAsyncEnumerable<(string Name, byte[] Content)> FolderMembersAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var file in Directory.EnumerateFiles(path).Order(StringComparer.Ordinal))
        {
            yield return (Path.GetFileName(file), await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false));
        }
    }

    [GeneratedRegex(@"^[0-9]{5,}_stats\.json$")]
    private static partial Regex StatsName();
}
