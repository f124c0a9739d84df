using System.Threading.Channels;
using StackExchange.Redis;

namespace Haul.Distributed;

public sealed partial class QueueWorker
{
    private const int CompletionBatch = 256;

    /// <summary>
    /// The entry id a page failure is recorded under: its own entry is acknowledged by the page's
    /// visit, and acknowledging or deleting this one, which no queue entry has, does nothing.
    /// </summary>
    private const string NoEntry = "0-1";

    /// <summary>
    /// A page that could not be fetched is one of the job's results, as a file is: it goes to the
    /// job's results (<c>"type":"page"</c>) and counts, so <c>haul status</c> shows it.
    /// </summary>
    private static void RecordPageFailure(ChannelWriter<Completion> completions, DownloadResult notice)
    {
        if (notice is { Kind: ResultKind.Page, Status: DownloadStatus.Failed } && notice.Error?.Kind != Errors.ErrorKind.Cancelled)
        {
            completions.TryWrite(new Completion(NoEntry, new QueueEntry { Kind = QueueEntry.PageKind, Url = notice.Request.Url }, notice));
        }
    }

    /// <summary>
    /// Records results in the job, many per call, and only then acknowledges their entries. While
    /// Redis is away it retries, and the transfers in flight go on; an entry is let go only once
    /// its result is recorded, so nothing finished is lost and nothing recorded is done again.
    /// </summary>
    private async Task CompleteAsync(ChannelReader<Completion> completions, CancellationToken cancellationToken)
    {
        var batch = new List<Completion>(CompletionBatch);
        RedisKey[] keys = [_job.Keys.Queue, _job.Keys.Done, _job.Keys.Results, _job.Keys.Meta, _job.Keys.Worker(Name)];
        while (await completions.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (batch.Count < CompletionBatch && completions.TryRead(out var completion))
            {
                batch.Add(completion);
            }

            var values = new RedisValue[1 + (batch.Count * 5)];
            values[0] = JobKeys.Group;
            for (var i = 0; i < batch.Count; i++)
            {
                var (id, entry, result) = batch[i];
                values[1 + (i * 5)] = id;
                values[2 + (i * 5)] = Key(entry);
                values[3 + (i * 5)] = ResultJson.ToJson(result, Name);
                values[4 + (i * 5)] = ResultJson.StatusName(result.Status);
                values[5 + (i * 5)] = result.Status == DownloadStatus.Ok ? result.Bytes : 0;
            }

            await RedisRetry.UntilDoneAsync(() => _job.EvaluateAsync(JobScripts.Complete, keys, values), _timeProvider, cancellationToken).ConfigureAwait(false);
            foreach (var completion in batch)
            {
                Finish(completion.Id);
            }

            batch.Clear();
        }
    }

    /// <summary>
    /// Hands the entries this worker still holds (stopped transfers, pages not visited, files not
    /// started) back to the queue, so another worker takes them at once rather than after the
    /// visibility timeout. If Redis does not answer in time, they are taken over later anyway.
    /// </summary>
    private async Task ReleaseOwnedAsync()
    {
        var owned = _owned.ToArray();
        if (owned.Length == 0)
        {
            return;
        }

        var values = new List<RedisValue>(2 + (owned.Length * 2)) { JobKeys.Group, Name };
        foreach (var (id, entry) in owned)
        {
            values.Add(id);
            values.Add(entry.ToJson());
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await RedisRetry.UntilDoneAsync(() => _job.EvaluateAsync(JobScripts.Release, [_job.Keys.Queue], [.. values]), _timeProvider, deadline.Token).ConfigureAwait(false);
            foreach (var (id, _) in owned)
            {
                Finish(id);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
        }
    }
}
