using Haul.Crawling;
using Haul.Serving;

namespace Haul.Cli.Serve;

/// <summary>
/// The crawls <c>haul.addCrawl</c> starts: each runs Haul's picture crawler below the daemon's
/// directory, and every picture it ends with joins the stopped list as a download of its own
/// (complete or error, with aria2's notification). The daemon's stop cancels them.
/// </summary>
internal sealed class ServeCrawls(DownloadOptions engine, DownloadTable table, CancellationToken stopping)
{
    /// <summary>Picture downloads of one crawl at once (haul crawl's default).</summary>
    private const int CrawlConcurrency = 16;

    private readonly Lock _gate = new();
    private readonly List<Task> _running = [];

    /// <summary>Starts a crawl of <paramref name="start"/>; its id (16 hex digits, as a gid).</summary>
    /// <exception cref="Errors.InvalidUrlException">The URL or an option cannot be used.</exception>
    public string Start(string start, IReadOnlyDictionary<string, string> options)
    {
        if (!Uri.TryCreate(start, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw Errors.HaulErrors.InvalidUrl(start, null, $"'{Http.UrlMask.Mask(start)}' is not an http(s) URL");
        }

        var sub = options.TryGetValue("dir", out var dir) ? ServedOptions.Inside(start, dir, table.Root) : null;
        var crawl = new CrawlOptions
        {
            Depth = options.TryGetValue("depth", out var depth) ? ServedOptions.Whole(start, "depth", depth, 0, 20) : 1,
            MaxPages = options.TryGetValue("max-pages", out var pages) ? ServedOptions.Whole(start, "max-pages", pages, 1, 1_000_000) : null,
            MinSize = options.TryGetValue("min-size", out var min) ? ServedOptions.Size(start, "min-size", min) : null,
        };
        var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        var run = Task.Run(() => RunAsync(start, engine with { Directory = sub is null ? table.Root : Path.Combine(table.Root, sub), MaxConcurrent = CrawlConcurrency }, crawl), CancellationToken.None);
        lock (_gate)
        {
            _running.RemoveAll(task => task.IsCompleted);
            _running.Add(run);
        }

        return id;
    }

    /// <summary>Waits for the crawls to end after the daemon's stop cancelled them.</summary>
    public Task StoppedAsync()
    {
        lock (_gate)
        {
            return Task.WhenAll(_running);
        }
    }

    private async Task RunAsync(string start, DownloadOptions options, CrawlOptions crawl)
    {
        try
        {
            using var crawler = new Crawler(options, crawl);
            await foreach (var result in crawler.CrawlAsync([start], stopping))
            {
                if (result.Kind == ResultKind.File)
                {
                    table.AddFinished(result);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The daemon stops: the crawl's own journal lets a new crawl skip what is done.
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            // Its folder or crawl database cannot be written: the crawl shows as one failed download.
            table.AddFinished(new DownloadResult
            {
                Request = new DownloadRequest(start),
                Status = DownloadStatus.Failed,
                Error = Errors.HaulErrors.Storage(start, options.Directory, ex),
            });
        }
    }
}
