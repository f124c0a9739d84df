using Haul.Errors;

namespace Haul.Datasets;

/// <summary>
/// Builds a data set in three stages that overlap: the input is cut into shards and each sample of
/// a shard not yet complete is fetched through the engine (concurrently, bounded by the engine's
/// limits); fetched pictures are decoded and resized on min(processors,
/// <see cref="DatasetRunOptions.MaxConcurrentProcessing"/>) workers; and the shards are written
/// sample by sample in key order while later samples, of the same shard or the next, are still
/// downloading. A reorder window of <see cref="DatasetRunOptions.ReorderWindow"/> samples bounds
/// what is held in memory between admission and writing, so memory stays flat whatever the size of
/// a shard. A complete shard (its stats file exists) is skipped, never fetched again (with
/// <see cref="DatasetRunOptions.RetryFailed"/>, only its failed samples are, and it is rewritten
/// whole); leftovers of an incomplete one are removed before it is written again.
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
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ReorderWindow, 1);
        _options = options;
        _processor = processor ?? new VipsImageProcessor(options.Image);
        _time = timeProvider ?? TimeProvider.System;
        Directory.CreateDirectory(options.OutputFolder);
        _fetcher = new DatasetFetcher(options.OutputFolder, options.Engine, options.DisallowedHeaderDirectives, _time);
        Progress = new DatasetProgress(_time);
    }

    /// <summary>The run's counts, updated as each sample finishes.</summary>
    public DatasetProgress Progress { get; }

    /// <summary>Called after each shard is written or skipped, in shard order, one at a time.</summary>
    public event Action<DatasetShardReport>? ShardDone;

    /// <summary>How many pictures are decoded and resized at once: never more than the processors.</summary>
    internal int ProcessingWorkers => Math.Min(_options.MaxConcurrentProcessing, Environment.ProcessorCount);

    /// <summary>How many samples may be between admission and being written: the reorder window, raised to hold every download in flight and every picture being processed.</summary>
    internal int WindowSize => Math.Max(_options.ReorderWindow, _options.Engine.MaxConcurrent + ProcessingWorkers + 1);

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
        try
        {
            return await RunShardsAsync(token => DatasetSharder.ShardAsync(samples, _options.SamplesPerShard, token), rebuildComplete: false, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException)
        {
            // The disk stopped the run: the bodies still in flight are no use to the next run (it
            // removes them first), and on a full disk their space is what the user needs back.
            try
            {
                Directory.Delete(_fetcher.Incoming, recursive: true);
            }
            catch (Exception ex) when (HaulErrors.IsStorageFault(ex))
            {
                // The next run removes them.
            }

            throw;
        }
    }

    /// <summary>Builds one shard into the output folder (what an interrupted build left of it removed first), whether or not it is complete.</summary>
    public async Task<DatasetShardStats> BuildShardAsync(DatasetShard shard, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shard);
        DatasetShardStats? stats = null;
        void Written(DatasetShardReport report) => stats = report.Stats;
        ShardDone += Written;
        try
        {
            await RunShardsAsync(_ => One(shard), rebuildComplete: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ShardDone -= Written;
        }

        return stats ?? throw new InvalidOperationException($"The shard {shard.Number} was not written.");
    }

    /// <summary>Runs the overlapping stages over <paramref name="shards"/>; with <paramref name="rebuildComplete"/> a complete shard is built again, not skipped.</summary>
    private async Task<DatasetRunSummary> RunShardsAsync(Func<CancellationToken, IAsyncEnumerable<DatasetShard>> shards, bool rebuildComplete, CancellationToken cancellationToken)
    {
        _workerFailure = null;

        // The window holds every download in flight, or admission would cap the engine's concurrency.
        using var window = new DatasetReorderWindow<WindowItem>(WindowSize);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producing = Task.Run(() => FetchAndProcessAsync(shards, rebuildComplete, window, stop), stop.Token);
        DatasetRunSummary? summary = null;
        Exception? failure = null;
        try
        {
            summary = await WriteAsync(window, stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = ex;
            await stop.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await producing.ConfigureAwait(false);
        }
        catch (Exception ex) when (failure is not null)
        {
            // When the writer only saw the stop, the producer's failure is what stopped the run.
            if (failure is OperationCanceledException && ex is not OperationCanceledException)
            {
                failure = ex;
            }
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        return summary!;
    }

    private static async IAsyncEnumerable<DatasetShard> One(DatasetShard shard)
    {
        yield return shard;
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
