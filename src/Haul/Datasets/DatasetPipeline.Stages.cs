using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Haul.Errors;

namespace Haul.Datasets;

internal sealed partial class DatasetPipeline
{
    /// <summary>
    /// Fetches the samples of every shard not yet complete and has their pictures processed; each
    /// sample, and each shard's start, finishes its item in the window. A failure here stops the run.
    /// </summary>
    private async Task FetchAndProcessAsync(IAsyncEnumerable<DatasetSample> samples, DatasetReorderWindow<WindowItem> window, CancellationTokenSource stop)
    {
        var token = stop.Token;
        var sequences = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        // A few pictures wait for a worker, no more: the bodies behind them stay on disk, not in memory.
        var pictures = Channel.CreateBounded<(long Sequence, FetchedSample Fetched, byte[] Bytes)>(
            new BoundedChannelOptions(ProcessingWorkers) { SingleWriter = true, SingleReader = false });
        var workers = Enumerable.Range(0, ProcessingWorkers).Select(_ => Task.Run(() => ProcessAsync(pictures.Reader, window, stop), token)).ToArray();
        try
        {
            try
            {
                await foreach (var fetched in _fetcher.FetchAsync(AdmittedAsync(samples, window, sequences, token), token).ConfigureAwait(false))
                {
                    if (!sequences.TryRemove(fetched.Key, out var sequence))
                    {
                        throw new InvalidOperationException($"The fetcher returned the key {fetched.Key}, which no admitted sample has.");
                    }

                    if (fetched.Bytes is not { } bytes)
                    {
                        window.Complete(sequence, new WindowItem(null, new DatasetRecord(fetched.Sample, fetched.Key, null, null, fetched.Error, Downloaded: false)));
                        continue;
                    }

                    await pictures.Writer.WriteAsync((sequence, fetched, bytes), token).ConfigureAwait(false);
                }
            }
            finally
            {
                pictures.Writer.TryComplete();
            }

            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            // Never leave a picture being decoded behind: the workers end on the stop.
            await Task.WhenAll(workers).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The samples to fetch, in input order, each admitted to the window first; a complete shard is skipped without a request.</summary>
    private async IAsyncEnumerable<(DatasetSample Sample, string Key)> AdmittedAsync(
        IAsyncEnumerable<DatasetSample> samples,
        DatasetReorderWindow<WindowItem> window,
        ConcurrentDictionary<string, long> sequences,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var shard in DatasetSharder.ShardAsync(samples, _options.SamplesPerShard, cancellationToken).ConfigureAwait(false))
        {
            var files = new DatasetShardFiles(_options.OutputFolder, shard.Number, _options.OutputFormat);
            var start = await window.AdmitAsync(cancellationToken).ConfigureAwait(false);
            var complete = files.IsComplete;
            window.Complete(start, new WindowItem(new ShardStart(files, complete, _time.GetUtcNow()), null));
            if (complete)
            {
                continue;
            }

            for (var i = 0; i < shard.Samples.Count; i++)
            {
                var sequence = await window.AdmitAsync(cancellationToken).ConfigureAwait(false);
                var key = DatasetKeys.Key(shard.Number, i, _options.SamplesPerShard);
                sequences[key] = sequence;
                yield return (shard.Samples[i], key);
            }
        }

        window.EndAdmission();
    }

    /// <summary>One worker: decodes and resizes pictures until there are no more; its failure (a bug, not a bad picture) stops the run.</summary>
    private async Task ProcessAsync(ChannelReader<(long Sequence, FetchedSample Fetched, byte[] Bytes)> pictures, DatasetReorderWindow<WindowItem> window, CancellationTokenSource stop)
    {
        try
        {
            await foreach (var (sequence, fetched, bytes) in pictures.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                window.Complete(sequence, new WindowItem(null, Process(fetched, bytes)));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
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

    /// <summary>
    /// Writes the shards from the window, in order: a shard's start opens its writer (after
    /// removing an interrupted run's leftovers) and completes the one before; each sample goes to
    /// the open writer. Shard N is completed here while shard N + 1 is already downloading.
    /// </summary>
    private async Task<DatasetRunSummary> WriteAsync(DatasetReorderWindow<WindowItem> window, CancellationToken cancellationToken)
    {
        var summary = new DatasetRunSummary();
        DatasetShardWriter? writer = null;
        ShardStart? open = null;
        try
        {
            await foreach (var item in window.ReadInOrderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (item.Record is { } record)
                {
                    await writer!.AddAsync(record, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (writer is not null)
                {
                    await CompleteAsync(writer, open!, summary, cancellationToken).ConfigureAwait(false);
                    writer = null;
                }

                var start = item.Start!;
                if (start.Skipped)
                {
                    summary.SkippedShards++;
                    ShardDone?.Invoke(new DatasetShardReport(start.Files.Name, Skipped: true, null));
                    continue;
                }

                start.Files.RemoveLeftovers();
                open = start;
                writer = DatasetShardWriter.Create(start.Files, _options.Image.EncodeFormat);
            }

            if (writer is not null)
            {
                await CompleteAsync(writer, open!, summary, cancellationToken).ConfigureAwait(false);
                writer = null;
            }
        }
        finally
        {
            if (writer is not null)
            {
                // Stopped half-way: the shard stays temporaries, removed by the next run.
                await writer.DisposeAsync().ConfigureAwait(false);
            }
        }

        return summary;
    }

    private async Task CompleteAsync(DatasetShardWriter writer, ShardStart shard, DatasetRunSummary summary, CancellationToken cancellationToken)
    {
        await using (writer.ConfigureAwait(false))
        {
            var stats = DatasetShardStats.For(writer.Rows, shard.Time, _time.GetUtcNow());
            await writer.CompleteAsync(stats, cancellationToken).ConfigureAwait(false);
            summary.Add(stats);
            ShardDone?.Invoke(new DatasetShardReport(shard.Files.Name, Skipped: false, stats));
        }
    }

    /// <summary>A shard's first item in the window: its files, whether a previous run completed it, and when it was admitted.</summary>
    private sealed record ShardStart(DatasetShardFiles Files, bool Skipped, DateTimeOffset Time);

    /// <summary>An item of the window: a shard's start, or one of its samples done.</summary>
    private readonly record struct WindowItem(ShardStart? Start, DatasetRecord? Record);
}
