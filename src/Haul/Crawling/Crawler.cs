using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Haul.Errors;
using Haul.Journal;
using Haul.Progress;
using Haul.Scheduling;
using Haul.Transfer;

namespace Haul.Crawling;

/// <summary>
/// The picture crawler: fetches pages, finds every picture with CSS selectors, follows links within
/// a scope, and streams the pictures through the same engine, limits and journal as
/// <see cref="Downloader"/>. The frontier lives in <c>DIR/.haul/crawl.db</c>, so a crawl run again
/// continues where it stopped.
/// </summary>
public sealed partial class Crawler : IDisposable
{
    private const int DoneBatch = 200;
    private readonly Downloader _downloader;

    // False when the engine is a distributed worker's, lent for its pages: the worker disposes it.
    private readonly bool _ownsDownloader = true;

    /// <summary>Creates a crawler.</summary>
    /// <param name="downloadOptions">Where and how pictures are downloaded.</param>
    /// <param name="crawlOptions">What is followed and kept.</param>
    /// <param name="timeProvider">The clock for delays and timeouts.</param>
    public Crawler(DownloadOptions downloadOptions, CrawlOptions crawlOptions, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(crawlOptions);
        ArgumentOutOfRangeException.ThrowIfNegative(crawlOptions.Depth);
        ArgumentOutOfRangeException.ThrowIfLessThan(crawlOptions.PageConcurrency, 1);
        Options = crawlOptions;
        ArgumentNullException.ThrowIfNull(downloadOptions);

        // Revisiting a crawl asks again for every picture it has, conditionally: a 304 costs nothing
        // more, a changed picture is replaced atomically.
        _downloader = new Downloader(crawlOptions.CheckUpdates ? downloadOptions with { CheckUpdates = true } : downloadOptions, timeProvider);
        Extractor = PageExtractor.Create(crawlOptions.Select, crawlOptions.Follow, PictureRules.From(crawlOptions));
    }

    /// <summary>
    /// A crawler whose pages go through <paramref name="engine"/>, the engine its pictures already use:
    /// a distributed worker's crawl has one connection pool, not two.
    /// </summary>
    internal Crawler(Downloader engine, CrawlOptions crawlOptions)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(crawlOptions);
        Options = crawlOptions;
        _downloader = engine;
        _ownsDownloader = false;
        Extractor = PageExtractor.Create(crawlOptions.Select, crawlOptions.Follow, PictureRules.From(crawlOptions));
    }

    /// <summary>What this crawler follows and keeps.</summary>
    public CrawlOptions Options { get; }

    private PageExtractor Extractor { get; }

    /// <summary>
    /// Set when <see cref="CrawlAsync"/> found the crawl in its directory already finished, with nothing
    /// left to do, and did nothing (<see cref="CrawlOptions.CheckUpdates"/> revisits it instead).
    /// </summary>
    public CrawlFinished? AlreadyFinished { get; private set; }

    /// <summary>A snapshot of the picture downloads' progress.</summary>
    public DownloadProgress GetProgress() => _downloader.GetProgress();

    /// <summary>
    /// Crawls from <paramref name="startPages"/> and yields one result per picture, as each finishes.
    /// Start pages that are not http(s) URLs come back as failed results of kind <c>invalid-url</c>.
    /// </summary>
    public async IAsyncEnumerable<DownloadResult> CrawlAsync(
        IEnumerable<string> startPages,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(startPages);
        var seeds = new List<Uri>();
        foreach (var page in startPages)
        {
            if (DownloadPlanner.TryParseHttpUrl(page, out var uri))
            {
                seeds.Add(uri);
                if (Http.UrlMask.TryTakeLogin(page, out _, out var login))
                {
                    // The start page's own password: its origin's pages and pictures are fetched with it.
                    _downloader.Session.AddOriginLogin(uri, login!);
                }
            }
            else
            {
                var shown = Http.UrlMask.Mask(page);
                yield return new DownloadResult
                {
                    Request = new DownloadRequest(shown),
                    Status = DownloadStatus.Failed,
                    Error = HaulErrors.InvalidUrl(shown, null, $"'{shown}' is not a valid http(s) URL."),
                };
            }
        }

        _downloader.Session.AddNamedOrigins(seeds);
        using var frontier = new CrawlFrontier(_downloader.Options.Directory);
        foreach (var seed in seeds)
        {
            frontier.AddPage(new FrontierPage(UrlKey.From(seed), WithoutFragment(seed), 0, WithoutFragment(seed)));
        }

        if (Options.CheckUpdates)
        {
            frontier.ReviveFinishedPages();
            frontier.ReviveFinishedImages();
        }
        else if (frontier.NothingLeft() && frontier.Finished() is { } finished)
        {
            AlreadyFinished = finished;
            yield break;
        }

        // Pages, stylesheets, robots.txt and pictures share the host's pacing and its connection limit.
        var pacer = new HostPacer(Options.Delay, _downloader.Time);
        var hosts = new HostLimiter(_downloader.Options.MaxPerHost);
        var fetcher = CreateFetcher(pacer, hosts);
        var robots = Options.IgnoreRobots ? null : new RobotsCache(fetcher, pacer, Options.RobotsToken);
        var requests = Channel.CreateBounded<DownloadRequest>(new BoundedChannelOptions(256) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var notices = new ConcurrentQueue<DownloadResult>();
        var walk = new PageWalk(this, frontier, fetcher, robots, requests.Writer, notices.Enqueue);
        var done = new List<string>(DoneBatch);
        var producer = walk.RunAsync(stop.Token);
        try
        {
            await foreach (var result in _downloader.DownloadAsync(requests.Reader.ReadAllAsync(CancellationToken.None), pacer, hosts, cancellationToken).ConfigureAwait(false))
            {
                // Marked in batches: a crash loses at most these marks, and a picture asked for
                // again is found done on disk or in the journal without a request.
                done.Add(UrlKey.From(new Uri(result.Url)));
                if (done.Count >= DoneBatch)
                {
                    frontier.ImagesDone(done);
                    done.Clear();
                }

                yield return result;

                // Refused pictures and off-scope redirects, reported between downloads.
                while (notices.TryDequeue(out var notice))
                {
                    yield return notice;
                }
            }

            while (notices.TryDequeue(out var notice))
            {
                yield return notice;
            }
        }
        finally
        {
            frontier.ImagesDone(done);
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(false);
            if (!cancellationToken.IsCancellationRequested && frontier.NothingLeft())
            {
                frontier.MarkFinished(_downloader.Time.GetUtcNow());
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsDownloader)
        {
            _downloader.Dispose();
        }
    }

    internal HttpClient Client => _downloader.Client;

    /// <summary>The fetch path of pages, stylesheets and robots.txt, over the engine's one connection pool.</summary>
    internal PageFetcher CreateFetcher(HostPacer pacer, IHostGate hosts) =>
        new(new RequestSender(_downloader.Client, _downloader.Options, _downloader.Events), _downloader.Options, new RetryPolicy(_downloader.Options), pacer, hosts, _downloader.Time);

    /// <summary>The engine the pictures go through, for a distributed worker that feeds it itself.</summary>
    internal Downloader Downloader => _downloader;

    internal TimeProvider Time => _downloader.Time;

    internal Task<PageExtraction> Extract(Stream html, Uri page, string? contentType, CancellationToken cancellationToken) =>
        Extractor.ExtractAsync(html, page, contentType, cancellationToken);

    internal static string WithoutFragment(Uri uri) => uri.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped);
}
