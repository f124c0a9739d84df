using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Haul.Crawling;
using Haul.Errors;
using Haul.Journal;
using Haul.Progress;
using Haul.Scheduling;

namespace Haul.Distributed;

/// <summary>
/// One worker of a distributed job: takes entries from the job's queue with its consumer group,
/// downloads files through the same engine as <c>haul get</c> (visits pages, for a crawl job), and
/// acknowledges each entry only once its result is recorded in the job. Entries of a worker that
/// died are taken over after the visibility timeout; this worker's own stay fresh while it works.
/// </summary>
public sealed partial class QueueWorker : IAsyncDisposable
{
    private readonly JobConnection _job;
    private readonly WorkerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Downloader _engine;
    private readonly FileStream _directoryLock;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly RedisHostGate _gate;
    private readonly RedisHostPacing _pacing;
    private readonly HostPacer _pacer;
    private readonly ConcurrentDictionary<string, QueueEntry> _owned = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<DownloadRequest, string> _ids = new(ReferenceEqualityComparer.Instance);
    private readonly SemaphoreSlim _slots;

    /// <summary>What this worker's page visits report (pages that failed, pictures refused), yielded between downloads.</summary>
    private readonly ConcurrentQueue<DownloadResult> _notices = new();
    private CrawlWork? _crawl;

    private QueueWorker(JobConnection job, DownloadOptions options, WorkerOptions workerOptions, CrawlSettings? crawl, FileStream directoryLock, TimeProvider timeProvider)
    {
        _job = job;
        _options = workerOptions;
        _timeProvider = timeProvider;
        _directoryLock = directoryLock;
        Options = crawl?.UserAgent is { } userAgent ? options with { UserAgent = userAgent } : options;
        _engine = new Downloader(Options, timeProvider);
        _gate = new RedisHostGate(job, Options.MaxPerHost, workerOptions.Name, timeProvider);
        _pacing = new RedisHostPacing(job, timeProvider, _lifetime.Token);
        _pacer = new HostPacer(TimeSpan.Zero, timeProvider, _pacing);
        _slots = new SemaphoreSlim(Capacity, Capacity);
        if (crawl is not null)
        {
            _crawl = new CrawlWork(this, crawl);
        }
    }

    /// <summary>How this worker downloads (a crawl job's user agent in place of its own).</summary>
    public DownloadOptions Options { get; }

    /// <summary>This worker's name in the job.</summary>
    public string Name => _options.Name;

    /// <summary>Entries this worker holds at once: what the engine admits, plus pages being visited.</summary>
    private int Capacity => (Options.MaxConcurrent * 2) + new CrawlOptions().PageConcurrency;

    /// <summary>
    /// Connects the worker to its job. The output directory is this worker's alone: a second worker
    /// on it is refused, since two processes would race for the same names.
    /// </summary>
    internal static async Task<QueueWorker> StartAsync(JobConnection job, DownloadOptions options, WorkerOptions workerOptions, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var directoryLock = WorkerDirectory.Lock(options.Directory);
        try
        {
            var time = timeProvider ?? TimeProvider.System;
            await RedisRetry.UntilDoneAsync(job.EnsureGroupAsync, time, CancellationToken.None).ConfigureAwait(false);
            var crawl = await LoadCrawlAsync(job, time).ConfigureAwait(false);
            return new QueueWorker(job, options, workerOptions, crawl, directoryLock, time);
        }
        catch
        {
            await directoryLock.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A snapshot of this worker's downloads, for a progress display.</summary>
    public DownloadProgress GetProgress() => _engine.GetProgress();

    /// <summary>The downloader the worker runs its requests on, for its events.</summary>
    public Downloader Engine => _engine;

    /// <summary>
    /// Works until the job is done (with <see cref="WorkerOptions.ExitWhenDone"/>) or the token is
    /// cancelled, yielding the result of every file this worker downloaded, and of every page it could
    /// not fetch or picture its crawl rules refused. On cancellation the
    /// entries it still holds go back to the queue for the other workers.
    /// </summary>
    public async IAsyncEnumerable<DownloadResult> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await RegisterAsync(cancellationToken).ConfigureAwait(false);
        using var pumpStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var drain = new CancellationTokenSource();
        var files = Channel.CreateUnbounded<DownloadRequest>(new UnboundedChannelOptions { SingleReader = true });
        var completions = Channel.CreateUnbounded<Completion>(new UnboundedChannelOptions { SingleReader = true });
        _completions = completions.Writer;
        var heartbeat = HeartbeatAsync(_lifetime.Token);
        var completer = CompleteAsync(completions.Reader, drain.Token);
        var pump = PumpAsync(files.Writer, pumpStop.Token);
        var state = "done";
        try
        {
            await foreach (var result in _engine.DownloadAsync(files.Reader.ReadAllAsync(CancellationToken.None), _pacer, _gate, cancellationToken).ConfigureAwait(false))
            {
                if (_ids.TryRemove(result.Request, out var id) && result.Error?.Kind != ErrorKind.Cancelled && _owned.TryGetValue(id, out var entry))
                {
                    completions.Writer.TryWrite(new Completion(id, entry, result));
                }

                yield return result;
                while (_notices.TryDequeue(out var notice))
                {
                    RecordPageFailure(completions.Writer, notice);
                    yield return notice;
                }
            }

            while (_notices.TryDequeue(out var notice))
            {
                RecordPageFailure(completions.Writer, notice);
                yield return notice;
            }
        }
        finally
        {
            if (cancellationToken.IsCancellationRequested)
            {
                state = "interrupted";

                // What is finished gets recorded if Redis answers soon; the rest is taken over later.
                drain.CancelAfter(TimeSpan.FromSeconds(10));
            }

            completions.Writer.TryComplete();
            await ObserveAsync(completer).ConfigureAwait(false);
            await pumpStop.CancelAsync().ConfigureAwait(false);
            await ObserveAsync(pump).ConfigureAwait(false);
            await ReleaseOwnedAsync().ConfigureAwait(false);
            await LeaveAsync(state).ConfigureAwait(false);
            await _lifetime.CancelAsync().ConfigureAwait(false);
            await ObserveAsync(heartbeat).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the worker and releases its output directory; the job's connection stays open.</summary>
    public async ValueTask DisposeAsync()
    {
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _gate.DisposeAsync().ConfigureAwait(false);
        _engine.Dispose();
        _crawl?.Dispose();
        _slots.Dispose();
        _lifetime.Dispose();
        await _directoryLock.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<CrawlSettings?> LoadCrawlAsync(JobConnection job, TimeProvider timeProvider)
    {
        var json = await RedisRetry.UntilDoneAsync(() => job.Database.StringGetAsync(job.Keys.Crawl), timeProvider, CancellationToken.None).ConfigureAwait(false);
        return json.IsNullOrEmpty ? null : CrawlSettings.Parse(json.ToString());
    }

    /// <summary>An entry is finished with (recorded, or handed back): its slot is free again.</summary>
    private void Finish(string id)
    {
        if (_owned.TryRemove(id, out _))
        {
            _slots.Release();
        }
    }

    private static async Task ObserveAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static string Key(QueueEntry entry) => QueueEntry.Key(entry.Url);

    private sealed record Completion(string Id, QueueEntry Entry, DownloadResult Result);

    /// <summary>What a crawl job needs beyond downloads: the crawl's rules, robots.txt and the page visitor.</summary>
    private sealed class CrawlWork : IDisposable
    {
        private readonly Crawler _crawler;

        public CrawlWork(QueueWorker worker, CrawlSettings settings)
        {
            Options = settings.ToOptions();
            _crawler = new Crawler(worker._engine, Options);
            Frontier = new RedisCrawlFrontier(worker._job, worker.Name, worker._timeProvider);
            var fetcher = _crawler.CreateFetcher(worker._pacer, worker._gate);
            var robots = Options.IgnoreRobots ? null : new RobotsCache(fetcher, worker._pacer, Options.RobotsToken);
            Visitor = new PageVisitor(_crawler, Frontier, fetcher, robots, worker._notices.Enqueue);
            worker._pacing.MinimumDelay = Options.Delay;
        }

        public CrawlOptions Options { get; }

        public RedisCrawlFrontier Frontier { get; }

        public PageVisitor Visitor { get; }

        public SemaphoreSlim Pages { get; } = new(new CrawlOptions().PageConcurrency);

        public void Dispose()
        {
            _crawler.Dispose();
            Pages.Dispose();
        }
    }
}
