using Haul.Errors;

namespace Haul.Datasets;

/// <summary>
/// Builds a data set: cuts the input into shards, and for each shard not yet complete removes what
/// an interrupted run left, fetches its pictures through the engine (concurrently, bounded by the
/// engine's limits), decodes and resizes them (bounded by <see cref="DatasetRunOptions.MaxConcurrentProcessing"/>)
/// and writes the shard atomically. A complete shard (its stats file exists) is skipped, never fetched again.
/// </summary>
internal sealed partial class DatasetPipeline : IDisposable
{
    private readonly DatasetRunOptions _options;
    private readonly IImageProcessor _processor;
    private readonly DatasetFetcher _fetcher;
    private readonly TimeProvider _time;

    public DatasetPipeline(DatasetRunOptions options, IImageProcessor? processor = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SamplesPerShard, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrentProcessing, 1);
        _options = options;
        _processor = processor ?? new VipsImageProcessor(options.Image);
        _time = timeProvider ?? TimeProvider.System;
        Directory.CreateDirectory(options.OutputFolder);
        _fetcher = new DatasetFetcher(options.OutputFolder, options.Engine, options.DisallowedHeaderDirectives, _time);
        Progress = new DatasetProgress(_time);
    }

    /// <summary>The run's counts, updated as each sample finishes.</summary>
    public DatasetProgress Progress { get; }

    /// <summary>Called after each shard is written or skipped.</summary>
    public event Action<DatasetShardReport>? ShardDone;

    /// <summary>Builds every shard of <paramref name="samples"/>; returns the counts over the shards written by this run.</summary>
    public async Task<DatasetRunSummary> RunAsync(IAsyncEnumerable<DatasetSample> samples, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        // Bodies an interrupted run left half-read belong to no finished shard: never take one for a reply.
        if (Directory.Exists(_fetcher.Incoming))
        {
            Directory.Delete(_fetcher.Incoming, recursive: true);
        }

        await DatasetShardCommit.RecoverAsync(_options.OutputFolder, _options.OutputFormat, _time, cancellationToken).ConfigureAwait(false);

        var summary = new DatasetRunSummary();
        await foreach (var shard in DatasetSharder.ShardAsync(samples, _options.SamplesPerShard, cancellationToken).ConfigureAwait(false))
        {
            var files = new DatasetShardFiles(_options.OutputFolder, shard.Number, _options.OutputFormat);
            if (files.IsComplete)
            {
                if (_options.RetryFailed && await RetryFailedAsync(shard, files, summary, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                summary.SkippedShards++;
                Progress.ShardFinished();
                ShardDone?.Invoke(new DatasetShardReport(files.Name, Skipped: true, null));
                continue;
            }

            var stats = await BuildShardAsync(shard, cancellationToken).ConfigureAwait(false);
            summary.Add(stats);
            Progress.ShardFinished();
            ShardDone?.Invoke(new DatasetShardReport(files.Name, Skipped: false, stats));
        }

        return summary;
    }

    /// <summary>Builds one shard into the output folder (what an interrupted build left of it removed first), whether or not it is complete.</summary>
    public async Task<DatasetShardStats> BuildShardAsync(DatasetShard shard, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shard);
        var files = new DatasetShardFiles(_options.OutputFolder, shard.Number, _options.OutputFormat);
        files.RemoveLeftovers();
        Progress.ShardStarted(files.Name);
        var start = _time.GetUtcNow();
        var records = await BuildAsync(shard, cancellationToken).ConfigureAwait(false);
        var stats = DatasetShardStats.For(records, start, _time.GetUtcNow());
        await DatasetShardWriter.WriteAsync(files, records, _options.Image.EncodeFormat, stats, cancellationToken).ConfigureAwait(false);
        return stats;
    }

    /// <summary>Fetches and processes the samples of <paramref name="shard"/> (only those at the indices in <paramref name="only"/>, when given; the others stay null).</summary>
    private async Task<DatasetRecord[]> BuildAsync(DatasetShard shard, CancellationToken cancellationToken, IReadOnlySet<int>? only = null)
    {
        var records = new DatasetRecord[shard.Samples.Count];
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < shard.Samples.Count; i++)
        {
            index[DatasetKeys.Key(shard.Number, i, _options.SamplesPerShard)] = i;
        }

        using var slots = new SemaphoreSlim(_options.MaxConcurrentProcessing);
        var processing = new List<Task>();
        try
        {
            await foreach (var fetched in _fetcher.FetchAsync(Keyed(shard, only), cancellationToken).ConfigureAwait(false))
            {
                var at = index[fetched.Key];
                if (fetched.Bytes is not { } bytes)
                {
                    records[at] = new DatasetRecord(fetched.Sample, fetched.Key, null, null, fetched.Error, Downloaded: false);
                    Progress.Add(records[at]);
                    continue;
                }

                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                processing.Add(Task.Run(() =>
                {
                    try
                    {
                        records[at] = Process(fetched, bytes);
                        Progress.Add(records[at]);
                    }
                    finally
                    {
                        slots.Release();
                    }
                }, cancellationToken));
            }
        }
        finally
        {
            // Never leave a picture being decoded behind the semaphore's disposal.
            await Task.WhenAll(processing).ConfigureAwait(false);
        }

        return records;
    }

    private DatasetRecord Process(FetchedSample fetched, byte[] bytes)
    {
        try
        {
            var image = _processor.Process(bytes, fetched.Sample.Url);
            return new DatasetRecord(fetched.Sample, fetched.Key, image, fetched.Sha256, null, Downloaded: true);
        }
        catch (HaulException ex)
        {
            return new DatasetRecord(fetched.Sample, fetched.Key, null, fetched.Sha256, ex, Downloaded: true);
        }
    }

    private async IAsyncEnumerable<(DatasetSample Sample, string Key)> Keyed(DatasetShard shard, IReadOnlySet<int>? only)
    {
        for (var i = 0; i < shard.Samples.Count; i++)
        {
            if (only is not null && !only.Contains(i))
            {
                continue;
            }

            yield return (shard.Samples[i], DatasetKeys.Key(shard.Number, i, _options.SamplesPerShard));
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public void Dispose() => _fetcher.Dispose();
}

/// <summary>One shard finished: written with these counts, or skipped because a previous run completed it.</summary>
internal sealed record DatasetShardReport(string Name, bool Skipped, DatasetShardStats? Stats)
{
    /// <summary>With <see cref="DatasetRunOptions.RetryFailed"/>: how many failed samples of this complete shard were fetched again.</summary>
    public int Retried { get; init; }
}

/// <summary>The counts of a run over the shards it wrote.</summary>
internal sealed class DatasetRunSummary
{
    public int WrittenShards { get; private set; }

    public int SkippedShards { get; set; }

    /// <summary>Of <see cref="WrittenShards"/>, the complete shards rewritten with their failed samples fetched again.</summary>
    public int RetriedShards { get; set; }

    public int Samples { get; private set; }

    public int Successes { get; private set; }

    public SortedDictionary<string, int> ErrorKinds { get; } = new(StringComparer.Ordinal);

    public void Add(DatasetShardStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        WrittenShards++;
        Samples += stats.Count;
        Successes += stats.Successes;
        foreach (var (kind, count) in stats.ErrorKinds)
        {
            ErrorKinds[kind] = ErrorKinds.GetValueOrDefault(kind) + count;
        }
    }
}
