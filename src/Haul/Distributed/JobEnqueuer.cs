using StackExchange.Redis;

namespace Haul.Distributed;

/// <summary>Adds entries to a job's queue in batches; an entry whose normalized URL the job has seen is left out.</summary>
internal sealed class JobEnqueuer(JobConnection job, TimeProvider timeProvider)
{
    private const int Batch = 500;

    /// <summary>Enqueues every entry; returns how many were new and how many the job already had.</summary>
    public async Task<JobEnqueueResult> EnqueueAsync(IAsyncEnumerable<QueueEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        await RedisRetry.UntilDoneAsync(job.EnsureGroupAsync, timeProvider, cancellationToken).ConfigureAwait(false);
        long added = 0;
        long total = 0;
        var values = new List<RedisValue>(Batch * 2);
        await foreach (var entry in entries.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            values.Add(entry.DedupeKey);
            values.Add(entry.ToJson());
            total++;
            if (values.Count >= Batch * 2)
            {
                added += await SendAsync(values, cancellationToken).ConfigureAwait(false);
                values.Clear();
            }
        }

        if (values.Count > 0)
        {
            added += await SendAsync(values, cancellationToken).ConfigureAwait(false);
        }

        return new JobEnqueueResult(added, total - added);
    }

    private async Task<long> SendAsync(List<RedisValue> values, CancellationToken cancellationToken)
    {
        RedisValue[] batch = [.. values];
        return (long)await RedisRetry.UntilDoneAsync(
            () => job.EvaluateAsync(JobScripts.Enqueue, [job.Keys.Queue, job.Keys.Seen, job.Keys.Meta], batch),
            timeProvider,
            cancellationToken).ConfigureAwait(false);
    }
}
