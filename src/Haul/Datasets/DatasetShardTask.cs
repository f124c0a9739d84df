namespace Haul.Datasets;

/// <summary>
/// One shard to build, as a queue entry carries it to a worker: where its rows are in the input,
/// its number, the output folder every worker shares, and the data set's options. The samples are
/// not carried; the worker reads them from the input, which it must see at the same path.
/// </summary>
internal sealed record DatasetShardTask
{
    /// <summary>The input as given to <c>haul dataset</c> (a file or a folder), as an absolute path.</summary>
    public required string Input { get; init; }

    public required DatasetInputOptions InputOptions { get; init; }

    /// <summary>The position of the shard's input file among the input's files.</summary>
    public required int FileIndex { get; init; }

    /// <summary>The row of that file the shard starts at.</summary>
    public required long FirstRow { get; init; }

    /// <summary>How many rows the shard has.</summary>
    public required int Count { get; init; }

    /// <summary>The shard's number, which names its files and its keys.</summary>
    public required long Number { get; init; }

    public required string OutputFolder { get; init; }

    public required DatasetOutputFormat OutputFormat { get; init; }

    public required int SamplesPerShard { get; init; }

    public required DatasetImageOptions Image { get; init; }

    public required IReadOnlyList<string> DisallowedHeaderDirectives { get; init; }

    /// <summary>The task of one shard of a run (its samples as the sharder cut them).</summary>
    public static DatasetShardTask For(DatasetShard shard, string input, DatasetInputOptions inputOptions, DatasetRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(shard);
        ArgumentNullException.ThrowIfNull(options);
        return new DatasetShardTask
        {
            Input = Path.GetFullPath(input),
            InputOptions = inputOptions,
            FileIndex = shard.Samples[0].FileIndex,
            FirstRow = shard.Samples[0].Row,
            Count = shard.Samples.Count,
            Number = shard.Number,
            OutputFolder = Path.GetFullPath(options.OutputFolder),
            OutputFormat = options.OutputFormat,
            SamplesPerShard = options.SamplesPerShard,
            Image = options.Image,
            DisallowedHeaderDirectives = options.DisallowedHeaderDirectives,
        };
    }

    /// <summary>What the queue knows the shard by: its output folder and name, so the same shard is queued once.</summary>
    public string Label => $"{Path.Combine(OutputFolder, DatasetKeys.ShardName(Number))} (dataset shard)";

    /// <summary>The run options of this shard, written into <paramref name="folder"/> and fetched with <paramref name="engine"/>.</summary>
    public DatasetRunOptions RunOptions(string folder, DownloadOptions engine) => new()
    {
        OutputFolder = folder,
        OutputFormat = OutputFormat,
        SamplesPerShard = SamplesPerShard,
        Image = Image,
        Engine = engine,
        DisallowedHeaderDirectives = DisallowedHeaderDirectives,
    };

    /// <summary>Reads the shard's samples from the input; fails when the input no longer has them all.</summary>
    public async Task<DatasetShard> ReadAsync(CancellationToken cancellationToken)
    {
        var samples = new List<DatasetSample>(Count);
        var end = FirstRow + Count;
        await foreach (var sample in DatasetSource.ReadAsync(Input, InputOptions, cancellationToken).ConfigureAwait(false))
        {
            if (sample.FileIndex > FileIndex || (sample.FileIndex == FileIndex && sample.Row >= end))
            {
                break;
            }

            if (sample.FileIndex == FileIndex && sample.Row >= FirstRow)
            {
                samples.Add(sample);
            }
        }

        return samples.Count == Count
            ? new DatasetShard(Number, samples)
            : throw new DatasetInputException(Input, $"{Input} no longer has the {Count} rows of shard {DatasetKeys.ShardName(Number)} (found {samples.Count}).");
    }
}
