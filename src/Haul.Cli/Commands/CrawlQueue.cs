using Haul.Crawling;
using Haul.Distributed;
using Haul.Journal;
using Haul.Transfer;

namespace Haul.Cli.Commands;

/// <summary>
/// <c>haul crawl URL… --queue redis://HOST:PORT/JOB</c>: stores the crawl's settings with the job
/// (the first crawler's settings hold for all), adds the start pages, and crawls as one worker.
/// More <c>haul crawl --queue</c> or <c>haul worker</c> processes join the same crawl.
/// </summary>
internal static class CrawlQueue
{
    public static async Task<int> RunAsync(
        JobAddress address,
        string[] startPages,
        DownloadOptions downloadOptions,
        CrawlOptions crawlOptions,
        Output.OutputMode mode,
        CliIo io,
        Output.RunLog log,
        CancellationToken cancellationToken)
    {
        var seeds = new List<QueueEntry>();
        foreach (var page in startPages)
        {
            if (!DownloadPlanner.TryParseHttpUrl(page, out var uri))
            {
                throw new UsageException($"'{page}' is not a valid http(s) URL.");
            }

            var url = Crawler.WithoutFragment(uri);
            seeds.Add(QueueEntry.FromPage(new FrontierPage(UrlKey.From(uri), url, 0, url)));
        }

        await using (var connection = await JobArguments.ConnectAsync(address, io, cancellationToken))
        {
            if (connection is null)
            {
                return ExitCodes.SomeFailed;
            }

            if (!await connection.JoinCrawlAsync(CrawlSettings.From(crawlOptions, downloadOptions.UserAgent)))
            {
                await io.Error.WriteLineAsync($"haul: joining the crawl {address}; its own settings apply, not these flags.");
            }

            await new JobEnqueuer(connection, TimeProvider.System).EnqueueAsync(seeds.ToAsyncEnumerable(), cancellationToken);
            await connection.CloseAsync();
        }

        return await WorkerCommand.RunAsync(address, downloadOptions, new WorkerOptions(), mode, io, log, cancellationToken);
    }
}
