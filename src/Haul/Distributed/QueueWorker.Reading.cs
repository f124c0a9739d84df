using System.Threading.Channels;
using Haul.Crawling;
using StackExchange.Redis;

namespace Haul.Distributed;

public sealed partial class QueueWorker
{
    /// <summary>
    /// Reads entries while this worker has room for them: first those a dead worker left (idle past
    /// the visibility timeout), then new ones. Files go to the engine, pages to the page visitor.
    /// Ends when the job is done (closed, nothing queued or in flight anywhere) or on cancellation.
    /// </summary>
    private async Task PumpAsync(ChannelWriter<DownloadRequest> files, CancellationToken cancellationToken)
    {
        var pages = new List<Task>();
        var idle = 0;
        var lastClaim = long.MinValue;
        try
        {
            while (true)
            {
                // A worker builds one data set shard at a time, and reads the next only once it is free for it.
                await AwaitShardAsync().ConfigureAwait(false);
                await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                var room = 1;
                while (!_datasetJob && room < _options.ReadBatch && _slots.Wait(0))
                {
                    room++;
                }

                var claimDue = idle > 0 || _timeProvider.GetElapsedTime(lastClaim) > ClaimInterval;
                var entries = await ReadAsync(room, claimDue, cancellationToken).ConfigureAwait(false);
                if (claimDue)
                {
                    lastClaim = _timeProvider.GetTimestamp();
                }

                if (room > entries.Count)
                {
                    _slots.Release(room - entries.Count);
                }

                foreach (var entry in entries)
                {
                    if (await DispatchAsync(entry, files, cancellationToken).ConfigureAwait(false) is { } page)
                    {
                        pages.Add(page);
                    }
                }

                pages.RemoveAll(task => task.IsCompleted);
                if (entries.Count > 0)
                {
                    idle = 0;
                    continue;
                }

                if (_options.ExitWhenDone && _owned.IsEmpty && await IsJobDoneAsync(cancellationToken).ConfigureAwait(false))
                {
                    break;
                }

                var wait = TimeSpan.FromMilliseconds(Math.Min(_options.LongestIdlePoll.TotalMilliseconds, 10 << Math.Min(idle++, 8)));
                await Task.Delay(wait, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            files.TryComplete();
            await Task.WhenAll(pages).ConfigureAwait(false);
        }
    }

    /// <summary>How often a busy worker also looks for entries a dead worker left.</summary>
    private TimeSpan ClaimInterval => _options.VisibilityTimeout / 2;

    private async Task<List<StreamEntry>> ReadAsync(int count, bool claim, CancellationToken cancellationToken)
    {
        var entries = new List<StreamEntry>(count);
        var keys = _job.Keys;
        if (claim)
        {
            var claimed = await RedisRetry.UntilDoneAsync(
                () => _job.Database.StreamAutoClaimAsync(keys.Queue, JobKeys.Group, Name, (long)_options.VisibilityTimeout.TotalMilliseconds, "0-0", count),
                _timeProvider,
                cancellationToken).ConfigureAwait(false);
            entries.AddRange(claimed.ClaimedEntries.Where(entry => !entry.IsNull));
        }

        if (entries.Count < count)
        {
            var fresh = await RedisRetry.UntilDoneAsync(
                () => ReadNewAsync(count - entries.Count),
                _timeProvider,
                cancellationToken).ConfigureAwait(false);
            entries.AddRange(fresh);
        }

        return entries;
    }

    private async Task<StreamEntry[]> ReadNewAsync(int count)
    {
        try
        {
            return await _job.Database.StreamReadGroupAsync(_job.Keys.Queue, JobKeys.Group, Name, StreamPosition.NewMessages, count).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            // The server lost the job's data (restarted without persistence): start the group again.
            await _job.EnsureGroupAsync().ConfigureAwait(false);
            return [];
        }
    }

    /// <summary>Hands one entry to its consumer; a page's visit comes back as a task.</summary>
    private async Task<Task?> DispatchAsync(StreamEntry streamEntry, ChannelWriter<DownloadRequest> files, CancellationToken cancellationToken)
    {
        var id = streamEntry.Id.ToString();
        var raw = streamEntry["e"];
        var parsed = QueueEntry.Parse(raw.IsNull ? null : raw.ToString());
        var entry = parsed ?? new QueueEntry { Kind = QueueEntry.FileKind, Url = $"queue entry {id}" };
        if (!_owned.TryAdd(id, entry))
        {
            // Already ours (claimed twice): it holds one slot, not two.
            _slots.Release();
            return null;
        }

        if (parsed is { Kind: QueueEntry.DatasetShardKind })
        {
            return await DispatchShardAsync(id, parsed, cancellationToken).ConfigureAwait(false);
        }

        DownloadRequest request;
        if (entry.Kind is QueueEntry.PageKind or QueueEntry.ImageKind)
        {
            var crawl = await CrawlAsync(cancellationToken).ConfigureAwait(false);
            if (crawl is not null && entry.Kind == QueueEntry.PageKind)
            {
                return VisitAsync(crawl, id, entry, cancellationToken);
            }

            request = crawl?.Visitor.ToRequest(entry.ToImage())
                ?? new DownloadRequest(entry.Url) { InputError = "the job has pages to crawl but no crawl settings." };
        }
        else
        {
            request = parsed is null
                ? new DownloadRequest(entry.Url) { InputError = "the queue entry cannot be read." }
                : entry.ToRequest();
        }

        _ids[request] = id;
        files.TryWrite(request);
        return null;
    }

    /// <summary>A crawl job's page work, set up the first time one of its entries arrives.</summary>
    private async Task<CrawlWork?> CrawlAsync(CancellationToken cancellationToken)
    {
        if (_crawl is null && await RedisRetry.UntilDoneAsync(() => LoadCrawlAsync(_job, _timeProvider), _timeProvider, cancellationToken).ConfigureAwait(false) is { } settings)
        {
            _crawl = new CrawlWork(this, settings);
        }

        return _crawl;
    }

    /// <summary>Visits one page; an interrupted visit leaves the entry owned, to be handed back.</summary>
    private async Task VisitAsync(CrawlWork crawl, string id, QueueEntry entry, CancellationToken cancellationToken)
    {
        await crawl.Pages.WaitAsync(cancellationToken).ConfigureAwait(false);
        var page = crawl.Frontier.Begin(id, entry);
        try
        {
            if (await crawl.Frontier.TryStartAsync(page, crawl.Options.MaxPages, cancellationToken).ConfigureAwait(false))
            {
                await crawl.Visitor.VisitAsync(page, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await crawl.Frontier.PageDoneAsync(page, cancellationToken).ConfigureAwait(false);
            }

            Finish(id);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (RedisException)
        {
            // Not recorded: the entry is left to go idle and be taken over, not lost.
            Finish(id);
        }
        finally
        {
            crawl.Frontier.End(page);
            crawl.Pages.Release();
        }
    }

    private async Task<bool> IsJobDoneAsync(CancellationToken cancellationToken) =>
        (long)await RedisRetry.UntilDoneAsync(
            () => _job.EvaluateAsync(JobScripts.IsDone, [_job.Keys.Queue, _job.Keys.Meta], []),
            _timeProvider,
            cancellationToken).ConfigureAwait(false) == 1;
}
