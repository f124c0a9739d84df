using System.Collections.Concurrent;
using Haul.Crawling;
using StackExchange.Redis;

namespace Haul.Distributed;

/// <summary>
/// A crawl's frontier and seen-set in the job's queue: a page is an entry, and what its visit
/// yields (new pictures, new links) joins the queue in the same step that acknowledges the page.
/// So several workers crawl one site together, and every page and picture is queued once.
/// </summary>
internal sealed class RedisCrawlFrontier(JobConnection job, string consumer, TimeProvider timeProvider) : ICrawlFrontier
{
    private const int MaxPageAttempts = 3;
    private readonly ConcurrentDictionary<string, (string Id, QueueEntry Entry)> _visiting = new(StringComparer.Ordinal);

    /// <summary>The page of entry <paramref name="id"/> is being visited by this worker.</summary>
    public FrontierPage Begin(string id, QueueEntry entry)
    {
        var page = entry.ToPage();
        _visiting[page.Key] = (id, entry);
        return page;
    }

    public void End(FrontierPage page) => _visiting.TryRemove(page.Key, out _);

    /// <summary>Within the crawl's page limit (every worker's pages count), or false when it is reached.</summary>
    public async Task<bool> TryStartAsync(FrontierPage page, int? maxPages, CancellationToken cancellationToken)
    {
        if (maxPages is not { } limit)
        {
            return true;
        }

        return (long)await RedisRetry.UntilDoneAsync(
            () => job.EvaluateAsync(JobScripts.StartPage, [job.Keys.PagesStarted], [page.Key, limit]),
            timeProvider,
            cancellationToken).ConfigureAwait(false) == 1;
    }

    public ValueTask AddPageAsync(FrontierPage page, CancellationToken cancellationToken) =>
        new(EnqueueAsync(JobScripts.Enqueue, [job.Keys.Queue, job.Keys.Seen, job.Keys.Meta], [QueueEntry.FromPage(page)], [], cancellationToken));

    public ValueTask PageDoneAsync(FrontierPage page, CancellationToken cancellationToken) => new(RecordAsync(page, [], cancellationToken));

    public async ValueTask<IReadOnlyList<FrontierImage>> RecordPageAsync(
        FrontierPage page,
        IReadOnlyList<FrontierImage> images,
        IReadOnlyList<FrontierPage> links,
        CancellationToken cancellationToken)
    {
        await RecordAsync(page, [.. images.Select(QueueEntry.FromImage), .. links.Select(QueueEntry.FromPage)], cancellationToken).ConfigureAwait(false);

        // The pictures reach the engine through the queue, wherever a worker is free.
        return [];
    }

    /// <summary>Back to the queue with one more attempt counted, for any worker; given up after a few.</summary>
    public async ValueTask RetryLaterAsync(FrontierPage page, CancellationToken cancellationToken)
    {
        if (!_visiting.TryGetValue(page.Key, out var visit))
        {
            return;
        }

        var attempts = (visit.Entry.Attempts ?? 0) + 1;
        if (attempts >= MaxPageAttempts)
        {
            await RecordAsync(page, [], cancellationToken).ConfigureAwait(false);
            return;
        }

        var again = visit.Entry with { Attempts = attempts };
        await RedisRetry.UntilDoneAsync(
            () => job.EvaluateAsync(JobScripts.Release, [job.Keys.Queue], [JobKeys.Group, consumer, visit.Id, again.ToJson()]),
            timeProvider,
            cancellationToken).ConfigureAwait(false);
    }

    private Task RecordAsync(FrontierPage page, IReadOnlyList<QueueEntry> found, CancellationToken cancellationToken)
    {
        if (!_visiting.TryGetValue(page.Key, out var visit))
        {
            throw new InvalidOperationException($"The page {page.Url} is not being visited by this worker.");
        }

        return EnqueueAsync(JobScripts.RecordPage, [job.Keys.Queue, job.Keys.Seen, job.Keys.Meta], found, [JobKeys.Group, visit.Id], cancellationToken);
    }

    private Task EnqueueAsync(string script, RedisKey[] keys, IReadOnlyList<QueueEntry> entries, RedisValue[] head, CancellationToken cancellationToken)
    {
        var values = new RedisValue[head.Length + (entries.Count * 2)];
        head.CopyTo(values, 0);
        for (var i = 0; i < entries.Count; i++)
        {
            values[head.Length + (2 * i)] = entries[i].DedupeKey;
            values[head.Length + (2 * i) + 1] = entries[i].ToJson();
        }

        return RedisRetry.UntilDoneAsync(() => job.EvaluateAsync(script, keys, values), timeProvider, cancellationToken);
    }
}
