using Haul.Crawling;
using Haul.Distributed;
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
        var seeds = new List<Uri>();
        foreach (var page in startPages)
        {
            if (!DownloadPlanner.TryParseHttpUrl(page, out var uri))
            {
                throw new UsageException($"'{page}' is not a valid http(s) URL.");
            }

            seeds.Add(uri);
        }

        await using (var job = await JobArguments.ConnectAsync(address, io, cancellationToken))
        {
            if (job is null)
            {
                return ExitCodes.SomeFailed;
            }

            if (!await job.JoinCrawlAsync(crawlOptions, downloadOptions.UserAgent))
            {
                await io.Error.WriteLineAsync($"haul: joining the crawl {address}; its own settings apply, not these flags.");
            }

            await job.EnqueueStartPagesAsync(seeds, cancellationToken);
            await job.CloseAsync();
        }

        return await WorkerCommand.RunAsync(address, downloadOptions, new WorkerOptions(), mode, io, log, cancellationToken);
    }
}
