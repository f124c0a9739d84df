namespace Haul.Datasets;

/// <summary>
/// The names of one shard's files in the output folder, and of the temporaries they are written
/// to. A shard is complete when its stats file exists: the stats are renamed into place last.
/// </summary>
internal sealed class DatasetShardFiles
{
    public const string TemporarySuffix = ".tmp";

    public DatasetShardFiles(string folder, long number, DatasetOutputFormat format)
    {
        Name = DatasetKeys.ShardName(number);
        Format = format;
        Parquet = Path.Combine(folder, Name + ".parquet");
        Stats = Path.Combine(folder, Name + "_stats.json");
        Data = format switch
        {
            DatasetOutputFormat.Webdataset => Path.Combine(folder, Name + ".tar"),
            DatasetOutputFormat.Files => Path.Combine(folder, Name),
            _ => null,
        };
    }

    public string Name { get; }

    public DatasetOutputFormat Format { get; }

    /// <summary>The tar (webdataset), the folder (files), or null (parquet: the data is in <see cref="Parquet"/>).</summary>
    public string? Data { get; }

    /// <summary>The metadata, one row per sample (with the pictures for the parquet format).</summary>
    public string Parquet { get; }

    public string Stats { get; }

    public bool IsComplete => File.Exists(Stats);

    /// <summary>Removes whatever an interrupted run left of this shard, finished files and temporaries alike.</summary>
    public void RemoveLeftovers()
    {
        foreach (var path in new[] { Data, Parquet, Stats })
        {
            if (path is null)
            {
                continue;
            }

            DeleteEither(path);
            DeleteEither(path + TemporarySuffix);
        }
    }

    private static void DeleteEither(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        else
        {
            File.Delete(path);
        }
    }
}
