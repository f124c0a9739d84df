using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Haul.Errors;

namespace Haul.Datasets;

internal sealed partial class DatasetPipeline
{
    /// <summary>The first failure of a processing worker in this run (a bug, not a bad picture): preferred over the stop it causes.</summary>
    private ExceptionDispatchInfo? _workerFailure;

    /// <summary>
    /// Fetches the samples of every shard not yet complete and has their pictures processed; each
    /// sample, and each shard's start, finishes its item in the window. A failure here stops the run.
    /// </summary>
    private async Task FetchAndProcessAsync(Func<CancellationToken, IAsyncEnumerable<DatasetShard>> shards, bool rebuildComplete, DatasetReorderWindow<WindowItem> window, CancellationTokenSource stop)
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
                await foreach (var fetched in _fetcher.FetchAsync(AdmittedAsync(shards(token), rebuildComplete, window, sequences, token), token).ConfigureAwait(false))
                {
                    if (!sequences.TryRemove(fetched.Key, out var sequence))
                    {
                        throw new InvalidOperationException($"The fetcher returned the key {fetched.Key}, which no admitted sample has.");
                    }

                    if (fetched.Bytes is not { } bytes)
                    {
                        var failed = new DatasetRecord(fetched.Sample, fetched.Key, null, null, fetched.Error, Downloaded: false);
                        Progress.Add(failed);
                        window.Complete(sequence, new WindowItem(null, failed));
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

            // The fetch loop may only have seen the stop a worker's failure caused: that failure is the run's error.
            Volatile.Read(ref _workerFailure)?.Throw();
            throw;
        }
    }

    /// <summary>
    /// The samples to fetch, in input order, each admitted to the window first; a complete shard is
    /// skipped without a request (unless <paramref name="rebuildComplete"/>), or with
    /// <see cref="DatasetRunOptions.RetryFailed"/> only its failed samples are fetched.
    /// </summary>
    private async IAsyncEnumerable<(DatasetSample Sample, string Key)> AdmittedAsync(
        IAsyncEnumerable<DatasetShard> shards,
        bool rebuildComplete,
        DatasetReorderWindow<WindowItem> window,
        ConcurrentDictionary<string, long> sequences,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var shard in shards.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var files = new DatasetShardFiles(_options.OutputFolder, shard.Number, _options.OutputFormat);
            var start = await window.AdmitAsync(cancellationToken).ConfigureAwait(false);
            var time = _time.GetUtcNow();
            var complete = !rebuildComplete && files.IsComplete;
            var retry = complete && _options.RetryFailed ? await RetryPlanAsync(shard, files, cancellationToken).ConfigureAwait(false) : null;
            window.Complete(start, new WindowItem(new ShardStart(files, complete && retry is null, time, retry), null));
            if (complete && retry is null)
            {
                continue;
            }

            var count = retry?.Failed.Length ?? shard.Samples.Count;
            for (var at = 0; at < count; at++)
            {
                var i = retry?.Failed[at] ?? at;
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
                var record = Process(fetched, bytes);
                Progress.Add(record);
                window.Complete(sequence, new WindowItem(null, record));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Interlocked.CompareExchange(ref _workerFailure, ExceptionDispatchInfo.Capture(ex), null);
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
    /// removing an interrupted run's leftovers, or in the retry folder for a complete shard being
    /// retried) and completes the one before; each sample goes to the open writer. Shard N is
    /// completed here while shard N + 1 is already downloading.
    /// </summary>
    private async Task<DatasetRunSummary> WriteAsync(DatasetReorderWindow<WindowItem> window, CancellationToken cancellationToken)
    {
        var summary = new DatasetRunSummary();
        OpenShard? open = null;
        ShardStart? failed = null;
        try
        {
            await foreach (var item in window.ReadInOrderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (item.Record is { } record)
                {
                    try
                    {
                        await AddAsync(open!, record, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (HaulErrors.IsStorageFault(ex))
                    {
                        throw Failed(open!.Start, ex);
                    }

                    continue;
                }

                if (open is not null)
                {
                    var finishing = open;
                    open = null;
                    var report = await CompleteOrFailAsync(finishing, summary, cancellationToken).ConfigureAwait(false);
                    ShardDone?.Invoke(report);
                }

                var start = item.Start!;
                if (start.Skipped)
                {
                    summary.SkippedShards++;
                    Progress.ShardFinished();
                    ShardDone?.Invoke(new DatasetShardReport(start.Files.Name, Skipped: true, null));
                    continue;
                }

                try
                {
                    if (start.Retry is { } retry)
                    {
                        open = await OpenRetryAsync(start, retry, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        start.Files.RemoveLeftovers();
                        open = new OpenShard(start, DatasetShardWriter.Create(start.Files, _options.Image.EncodeFormat), null);
                    }
                }
                catch (Exception ex) when (HaulErrors.IsStorageFault(ex))
                {
                    throw Failed(start, ex);
                }

                Progress.ShardStarted(start.Files.Name);
            }

            if (open is not null)
            {
                var finishing = open;
                open = null;
                var report = await CompleteOrFailAsync(finishing, summary, cancellationToken).ConfigureAwait(false);
                ShardDone?.Invoke(report);
            }
        }
        finally
        {
            if (open is not null)
            {
                // Stopped half-way: the shard stays temporaries, removed by the next run.
                await CloseAsync(open.Writer, quietly: failed is not null).ConfigureAwait(false);
            }

            if (failed is { Retry: null } shard)
            {
                // The disk failed it: what it left is removed now (the next run would), so a full
                // disk gets its space back. A retried shard's remainder is the next run's to finish.
                RemoveQuietly(shard.Files);
            }
        }

        return summary;

        async Task<DatasetShardReport> CompleteOrFailAsync(OpenShard finishing, DatasetRunSummary into, CancellationToken token)
        {
            try
            {
                return await CompleteAsync(finishing, into, token).ConfigureAwait(false);
            }
            catch (Exception ex) when (HaulErrors.IsStorageFault(ex))
            {
                throw Failed(finishing.Start, ex);
            }
        }

        // The disk failed this shard: the run ends with one sentence, and the shard is cleaned up below.
        StorageException Failed(ShardStart shard, Exception ex)
        {
            failed = shard;
            return HaulErrors.DatasetOutput(shard.Files.Name, _options.OutputFolder, ex);
        }
    }

    private static async ValueTask CloseAsync(DatasetShardWriter writer, bool quietly)
    {
        try
        {
            await writer.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (quietly && HaulErrors.IsStorageFault(ex))
        {
            // The disk that failed the shard fails its closing too; the failure is already told.
        }
    }

    private static void RemoveQuietly(DatasetShardFiles files)
    {
        try
        {
            if (!files.IsComplete)
            {
                files.RemoveLeftovers();
            }
        }
        catch (Exception ex) when (HaulErrors.IsStorageFault(ex))
        {
            // Left for the next run, which removes an incomplete shard's files before writing it.
        }
    }

    private async ValueTask AddAsync(OpenShard open, DatasetRecord record, CancellationToken cancellationToken)
    {
        if (open.Kept is not null)
        {
            // A retried shard: the samples kept from the old one go in before each fetched one.
            var at = open.Start.Retry!.Failed[open.Received++];
            await AddKeptAsync(open, at, cancellationToken).ConfigureAwait(false);
            open.Next = at + 1;
        }

        await open.Writer.AddAsync(record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the rest of a shard and renames it into place; what to report of it.</summary>
    private async Task<DatasetShardReport> CompleteAsync(OpenShard open, DatasetRunSummary summary, CancellationToken cancellationToken)
    {
        if (open.Kept is not null)
        {
            return await CompleteRetryAsync(open, summary, cancellationToken).ConfigureAwait(false);
        }

        await using (open.Writer.ConfigureAwait(false))
        {
            var stats = DatasetShardStats.For(open.Writer.Rows, open.Start.Time, _time.GetUtcNow());
            await open.Writer.CompleteAsync(stats, cancellationToken).ConfigureAwait(false);
            summary.Add(stats);
            Progress.ShardFinished();
            return new DatasetShardReport(open.Start.Files.Name, Skipped: false, stats);
        }
    }

    /// <summary>The shard being written: its start, its writer, and for a retried shard the samples kept from the old one (null at the failed ones) and how far it has got.</summary>
    private sealed class OpenShard(ShardStart start, DatasetShardWriter writer, DatasetRecord?[]? kept)
    {
        public ShardStart Start => start;

        public DatasetShardWriter Writer => writer;

        public DatasetRecord?[]? Kept => kept;

        /// <summary>Fetched samples written so far.</summary>
        public int Received { get; set; }

        /// <summary>The index of the next sample to write.</summary>
        public int Next { get; set; }
    }

    /// <summary>A shard's first item in the window: its files, whether a previous run completed it (and it is skipped), when it was admitted, and for a complete shard being retried, what to fetch again.</summary>
    private sealed record ShardStart(DatasetShardFiles Files, bool Skipped, DateTimeOffset Time, RetryPlan? Retry);

    /// <summary>An item of the window: a shard's start, or one of its samples done.</summary>
    private readonly record struct WindowItem(ShardStart? Start, DatasetRecord? Record);
}
