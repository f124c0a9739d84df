namespace Haul.Datasets;

/// <summary>What a data set run writes and how it fetches (img2dataset's options that are not about input or pictures).</summary>
public sealed record DatasetRunOptions
{
    /// <summary>img2dataset's default <c>X-Robots-Tag</c> directives that refuse a picture.</summary>
    public static readonly IReadOnlyList<string> DefaultDisallowedHeaderDirectives = ["noai", "noimageai", "noindex", "noimageindex"];

    /// <summary>The folder the shards are written to.</summary>
    public required string OutputFolder { get; init; }

    /// <summary>How shards are written (default <see cref="DatasetOutputFormat.Webdataset"/>).</summary>
    public DatasetOutputFormat OutputFormat { get; init; } = DatasetOutputFormat.Webdataset;

    /// <summary>Samples per shard (default 10,000).</summary>
    public int SamplesPerShard { get; init; } = 10_000;

    /// <summary>How pictures are checked, resized and encoded.</summary>
    public DatasetImageOptions Image { get; init; } = new();

    /// <summary>The engine settings: concurrency, per-host limit, retries, timeouts, request options.</summary>
    public DownloadOptions Engine { get; init; } = new();

    /// <summary>The <c>X-Robots-Tag</c> directives that refuse a picture.</summary>
    public IReadOnlyList<string> DisallowedHeaderDirectives { get; init; } = DefaultDisallowedHeaderDirectives;

    /// <summary>
    /// Complete shards are not skipped but have their failed samples fetched again, and are rewritten
    /// (atomically) with the old successes and the new ones; a sample that fails again keeps its new error.
    /// </summary>
    public bool RetryFailed { get; init; }

    /// <summary>How many pictures are decoded and resized at once, never more than the processors (default: the number of processors; img2dataset's <c>processes_count</c>).</summary>
    public int MaxConcurrentProcessing { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// How many samples may be between admission and being written (default 1,024): samples finish
    /// in any order and are written in key order, so a slow sample holds this many finished ones
    /// back, and no more. It bounds memory whatever the shard size; it is raised to the engine's
    /// concurrency when lower, so that it never caps the downloads in flight.
    /// </summary>
    public int ReorderWindow { get; init; } = 1_024;
}
