using System.CommandLine;
using Haul.Cli.Running;
using Haul.Crawling;

namespace Haul.Cli.Commands;

/// <summary><c>haul crawl URL… [options]</c>: every picture of a page, or of a site within a scope.</summary>
internal static class CrawlCommand
{
    public static Command Create(CliIo io)
    {
        var urls = new Argument<string[]>("url") { Description = "Pages to start from.", Arity = ArgumentArity.OneOrMore };
        var dir = new Option<string>("--dir", "-d") { Description = "The output directory, created if missing.", DefaultValueFactory = _ => "." };
        var depth = NumberOptions.Whole("--depth", null, 0, 1_000, 0, "Link levels to follow (0: the given pages only).");
        var scope = new Option<string>("--scope") { Description = "host | domain | prefix | any.", DefaultValueFactory = _ => "host" };
        scope.AcceptOnlyFromAmong("host", "domain", "prefix", "any");
        var maxPages = NumberOptions.OptionalWhole("--max-pages", 1, int.MaxValue, "The most pages to fetch.");
        var accept = new Option<string?>("--accept") { Description = "Picture types to keep, e.g. jpg,png,webp (by extension and Content-Type)." };
        var reject = new Option<string?>("--reject") { Description = "Picture types to refuse." };
        var minSize = new Option<string?>("--min-size") { Description = "Skip pictures smaller than this (bytes, or 10K, 1M)." };
        var ignoreRobots = new Option<bool>("--ignore-robots") { Description = "Do not obey robots.txt." };
        var delay = NumberOptions.Whole("--delay", null, 0, 3_600_000, 0, "Milliseconds between two requests to one host.");
        var layout = new Option<string>("--layout") { Description = "host-path (DIR/host/path/…) | flat.", DefaultValueFactory = _ => "host-path" };
        layout.AcceptOnlyFromAmong("host-path", "flat");
        var select = new Option<string[]>("--select") { Description = "CSS[@attr] of pictures, replacing the defaults (repeatable), e.g. 'a.full@href'.", AllowMultipleArgumentsPerToken = false };
        var follow = new Option<string>("--follow") { Description = "CSS of the links to follow.", DefaultValueFactory = _ => "a[href]" };
        var maxConcurrent = NumberOptions.Whole("--max-concurrent", "-j", 1, 10_000, 16, "Picture downloads in flight at once.");
        var maxPerHost = NumberOptions.Whole("--max-per-host", null, 1, 1_000, 8, "Connections to one host at once.");
        var noJournal = new Option<bool>("--no-journal") { Description = "Keep no download journal (the crawl frontier is still kept)." };
        var queue = new Option<string?>("--queue") { Description = "Crawl as one worker of a distributed job, redis://HOST:PORT/JOB: frontier and seen-set in Redis." };
        var output = new OutputOptions();
        var command = new Command("crawl", "Download every picture of pages, following links within a scope.")
        {
            urls, dir, depth, scope, maxPages, accept, reject, minSize, ignoreRobots, delay, layout, select, follow,
            maxConcurrent, maxPerHost, noJournal, queue,
        };
        output.AddTo(command);
        var requestFlags = new RequestFlags();
        requestFlags.AddTo(command);
        var speedFlags = new SpeedFlags();
        speedFlags.AddTo(command);
        dir.Aliases.Add("-P");
        var transferFlags = new TransferFlags();
        transferFlags.AddTo(command);

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var startPages = ArgumentChecks.UrlsOnly(parseResult.GetValue(urls) ?? [], "crawl");

            var downloadOptions = new DownloadOptions
            {
                Directory = ArgumentChecks.Directory(parseResult.GetValue(dir)!),
                MaxConcurrent = parseResult.GetValue(maxConcurrent),
                MaxPerHost = parseResult.GetValue(maxPerHost),
                UseJournal = !parseResult.GetValue(noJournal),
            };
            downloadOptions = await requestFlags.ApplyAsync(parseResult, speedFlags.Apply(parseResult, downloadOptions), io);
            downloadOptions = transferFlags.Apply(parseResult, downloadOptions);
            var crawlOptions = new CrawlOptions
            {
                Depth = parseResult.GetValue(depth),
                Scope = Enum.Parse<CrawlScope>(parseResult.GetValue(scope)!, ignoreCase: true),
                MaxPages = parseResult.GetValue(maxPages),
                Accept = Types(parseResult.GetValue(accept)),
                Reject = Types(parseResult.GetValue(reject)),
                MinSize = parseResult.GetValue(minSize) is { } size ? ArgumentChecks.Size(size, "--min-size") : null,
                IgnoreRobots = parseResult.GetValue(ignoreRobots),
                Delay = TimeSpan.FromMilliseconds(parseResult.GetValue(delay)),
                Layout = parseResult.GetValue(layout) == "flat" ? CrawlLayout.Flat : CrawlLayout.HostPath,
                Select = parseResult.GetValue(select) ?? [],
                Follow = parseResult.GetValue(follow)!,
            };

            Crawler crawler;
            try
            {
                crawler = new Crawler(downloadOptions, crawlOptions);
            }
            catch (ArgumentException ex)
            {
                throw new UsageException(ex.Message);
            }

            using (crawler)
            {
                if (parseResult.GetValue(queue) is { } job)
                {
                    return await CrawlQueue.RunAsync(JobArguments.Parse(job), startPages, downloadOptions, crawlOptions, output.Read(parseResult, io), io, cancellationToken);
                }

                return await DownloadRun.ExecuteAsync(
                    downloadOptions.Directory,
                    token => crawler.CrawlAsync(startPages, token),
                    crawler.GetProgress,
                    output.Read(parseResult, io),
                    io,
                    cancellationToken);
            }
        });
        return command;
    }

    private static HashSet<string>? Types(string? list) => list is null
        ? null
        : [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(type => type.TrimStart('.').ToLowerInvariant())];
}
