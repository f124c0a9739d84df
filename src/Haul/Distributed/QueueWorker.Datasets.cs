using Haul.Datasets;
using Haul.Errors;
using StackExchange.Redis;

namespace Haul.Distributed;

/// <summary>
/// Data set shards: a worker builds one shard at a time with the data set pipeline, in a staging
/// folder of its own under the shared output folder, and moves it in whole unless another worker
/// completed the shard first. While it builds, it takes no other entry: shards it read beyond the
/// first go back to the queue at once, for the other workers.
/// </summary>
public sealed partial class QueueWorker
{
    private Task? _shardBuild;
    private volatile bool _datasetJob;
    private System.Threading.Channels.ChannelWriter<Completion>? _completions;

    /// <summary>Waits for the shard being built, so that the next one is read only once this worker is free for it.</summary>
    private async Task AwaitShardAsync()
    {
        if (_shardBuild is { IsCompleted: false } build)
        {
            await ObserveAsync(build).ConfigureAwait(false);
        }
    }

    private async Task<Task?> DispatchShardAsync(string id, QueueEntry entry, CancellationToken cancellationToken)
    {
        _datasetJob = true;
        if (_shardBuild is { IsCompleted: false })
        {
            await HandBackAsync(id, entry, cancellationToken).ConfigureAwait(false);
            return null;
        }

        _shardBuild = BuildShardAsync(id, entry, cancellationToken);
        return _shardBuild;
    }

    /// <summary>Builds the shard and records its result; never throws but on cancellation, which leaves the entry owned, to be handed back.</summary>
    private async Task BuildShardAsync(string id, QueueEntry entry, CancellationToken cancellationToken)
    {
        // Off the pump's flow: reading the input and decoding pictures take a while.
        await Task.Yield();
        var started = _timeProvider.GetTimestamp();
        var request = new DownloadRequest(entry.Url);
        DownloadResult result;
        string? staging = null;
        try
        {
            if (entry.Shard is not { } task)
            {
                throw new InvalidDataException("the queue entry has no shard.");
            }

            if (!DatasetQueueMark.Matches(task.OutputFolder, _job.Keys.Job, task.Input))
            {
                throw HaulErrors.Scope(entry.Url, $"Refused {entry.Url}: haul dataset --queue did not prepare {task.OutputFolder} for the job {_job.Keys.Job} with the input {task.Input}.");
            }

            var live = new DatasetShardFiles(task.OutputFolder, task.Number, task.OutputFormat);
            var shown = live.Data ?? live.Parquet;
            if (live.IsComplete)
            {
                result = ShardResult(request, DownloadStatus.Skipped, shown, "already complete", started);
            }
            else
            {
                var shard = await task.ReadAsync(cancellationToken).ConfigureAwait(false);
                staging = Path.Combine(task.OutputFolder, Journal.DownloadJournal.FolderName, "staging", $"{Name}-{Guid.NewGuid():N}");
                DatasetShardStats stats;
                using (var pipeline = new DatasetPipeline(task.RunOptions(staging, Options), timeProvider: _timeProvider))
                {
                    stats = await pipeline.BuildShardAsync(shard, cancellationToken).ConfigureAwait(false);
                }

                var moved = await DatasetShardCommit.CommitAsync(new DatasetShardFiles(staging, task.Number, task.OutputFormat), live, replace: false, _timeProvider, cancellationToken).ConfigureAwait(false);
                var note = $"{stats.Successes} of {stats.Count} samples written";
                result = moved
                    ? ShardResult(request, DownloadStatus.Ok, shown, note, started) with { Bytes = new FileInfo(live.Data is { } data && File.Exists(data) ? data : live.Parquet).Length }
                    : ShardResult(request, DownloadStatus.Skipped, shown, "completed by another worker", started);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (ex is DatasetInputException or InvalidDataException or HaulException || HaulErrors.IsStorageFault(ex))
        {
            var input = entry.Shard?.Input ?? entry.Url;
            result = ShardResult(request, DownloadStatus.Failed, null, null, started) with
            {
                Error = ex switch
                {
                    // The pipeline's own disk fault names the worker's staging folder, which is about
                    // to go: the shard and its input are what the job's owner can act on.
                    StorageException { InnerException: { } disk } => HaulErrors.DatasetShard(entry.Url, input, disk),
                    HaulException haul => haul,
                    _ => HaulErrors.DatasetShard(entry.Url, input, ex),
                },
            };
        }
        finally
        {
            RemoveStaging(staging);
        }

        _notices.Enqueue(result);

        // Recorded, then acknowledged; if the run is already ending, the entry is handed back and found complete next time.
        _completions?.TryWrite(new Completion(id, entry, result));
    }

    private DownloadResult ShardResult(DownloadRequest request, DownloadStatus status, string? path, string? note, long started) => new()
    {
        Request = request,
        Status = status,
        Path = path,
        Note = note,
        Elapsed = _timeProvider.GetElapsedTime(started),
    };

    private static void RemoveStaging(string? staging)
    {
        if (staging is null || !Directory.Exists(staging))
        {
            return;
        }

        try
        {
            Directory.Delete(staging, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left in OUT/.haul/staging/, where nothing reads it: the shard itself is whole or absent.
        }
    }

    /// <summary>Puts one entry back at the end of the queue for any worker.</summary>
    private async Task HandBackAsync(string id, QueueEntry entry, CancellationToken cancellationToken)
    {
        RedisValue[] values = [JobKeys.Group, Name, id, entry.ToJson()];
        await RedisRetry.UntilDoneAsync(() => _job.EvaluateAsync(JobScripts.Release, [_job.Keys.Queue], values), _timeProvider, cancellationToken).ConfigureAwait(false);
        Finish(id);
    }
}
