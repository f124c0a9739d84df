using System.CommandLine;
using Haul.Checksums;
using Haul.Cli.Demo;
using Haul.Cli.Output;
using Haul.Cli.Running;
using Haul.Crawling;

namespace Haul.Cli.Commands;

/// <summary><c>haul demo</c>: an offline run of the main job against an embedded loopback site.</summary>
internal static class DemoCommand
{
    public static Command Create(CliIo io)
    {
        var dir = new Option<string?>("--dir", "-d") { Description = "Where to save the demo files (default: a new temporary folder)." };
        var output = new OutputOptions();
        var command = new Command("demo", "Download generated files, then crawl a picture gallery, from an embedded loopback site: retries, resume, checksums and the crawler at work, no network needed.")
        {
            dir,
        };
        output.AddTo(command);

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var directory = parseResult.GetValue(dir) ?? Directory.CreateTempSubdirectory("haul-demo-").FullName;
            await using var site = await DemoSite.StartAsync(cancellationToken);
            var mode = output.Read(parseResult, io);
            if (mode != Output.OutputMode.Json)
            {
                await io.Error.WriteLineAsync($"haul demo: {site.Files.Count} files from {site.BaseUri} into {directory} (a few drop the connection or answer 503 once)");
            }

            var options = new DownloadOptions { Directory = directory, RetryBaseDelay = TimeSpan.FromMilliseconds(200) };
            var downloaded = await DownloadRun.ExecuteAsync(options, Requests(site), mode, io, RunLog.Silent(io), cancellationToken);
            if (downloaded is ExitCodes.Interrupted or ExitCodes.OutputClosed)
            {
                return downloaded;
            }

            // Then the picture crawler: thumbnails and the full-size pictures they link to.
            var galleryDirectory = Path.Combine(directory, "gallery");
            var start = new Uri(site.BaseUri, DemoGallery.StartPath).AbsoluteUri;
            if (mode != Output.OutputMode.Json)
            {
                await io.Error.WriteLineAsync($"haul demo: crawling the picture gallery at {start} into {galleryDirectory} (robots.txt keeps it out of /gallery/private/)");
            }

            using var crawler = new Crawler(options with { Directory = galleryDirectory }, new CrawlOptions { Depth = 1, Layout = CrawlLayout.Flat });
            var crawled = await DownloadRun.ExecuteAsync(galleryDirectory, token => crawler.CrawlAsync([start], token), crawler.GetProgress, mode, io, RunLog.Silent(io), crawler.Downloader, cancellationToken);
            return Math.Max(downloaded, crawled);
        });
        return command;
    }

    private static async IAsyncEnumerable<DownloadRequest> Requests(DemoSite site)
    {
        foreach (var file in site.Files)
        {
            yield return new DownloadRequest(new Uri(site.BaseUri, file.Path).AbsoluteUri)
            {
                Checksum = new Checksum(ChecksumAlgorithm.Sha256, file.Sha256),
            };
        }

        await Task.CompletedTask;
    }
}
