using System.CommandLine;
using Haul.Cli.Output;
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
        var allFormats = new Option<bool>("--all-formats") { Description = "Keep every candidate of a picture (each <picture> source, srcset and image-set() entry), not only the one a browser loads." };
        var icons = new Option<bool>("--icons") { Description = "Also keep the site's icons (link rel=icon, apple-touch-icon)." };
        var checkUpdates = new Option<bool>("--check-updates") { Description = "Revisit the pages of a finished crawl with conditional requests and fetch the pictures that are new." };
        var follow = new Option<string>("--follow") { Description = "CSS of the links to follow.", DefaultValueFactory = _ => "a[href]" };
        var maxConcurrent = NumberOptions.Whole("--max-concurrent", "-j", 1, 10_000, 16, "Picture downloads in flight at once.");
        var maxPerHost = NumberOptions.Whole("--max-per-host", null, 1, 10_000, 8, "Connections to one host at once.");
        var noJournal = new Option<bool>("--no-journal") { Description = "Keep no download journal (the crawl frontier is still kept)." };
        var queue = new Option<string?>("--queue") { Description = "Crawl as one worker of a distributed job, redis://HOST:PORT/JOB: frontier and seen-set in Redis." };
        var output = new OutputOptions();
        var command = new Command("crawl", "Download every picture of pages, following links within a scope.")
        {
            urls, dir, depth, scope, maxPages, accept, reject, minSize, ignoreRobots, delay, layout, select, allFormats, icons, checkUpdates, follow,
            maxConcurrent, maxPerHost, noJournal, queue,
        };
        output.AddTo(command);
        var attemptFlags = new AttemptFlags();
        attemptFlags.AddTo(command);
        var requestFlags = new RequestFlags();
        requestFlags.AddTo(command);
        var speedFlags = new SpeedFlags();
        speedFlags.AddTo(command);
        var verboseFlags = new VerboseFlags();
        verboseFlags.AddTo(command);
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
            downloadOptions = await requestFlags.ApplyAsync(parseResult, speedFlags.Apply(parseResult, attemptFlags.Apply(parseResult, downloadOptions)), io);
            using var log = verboseFlags.Open(parseResult, io);
            downloadOptions = transferFlags.Apply(parseResult, downloadOptions) with { Logger = log.Logger };
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
                AllFormats = parseResult.GetValue(allFormats),
                Icons = parseResult.GetValue(icons),
                CheckUpdates = parseResult.GetValue(checkUpdates),
            };

            if (crawlOptions.CheckUpdates && !downloadOptions.UseJournal)
            {
                throw new UsageException("--check-updates needs the journal; drop --no-journal.");
            }

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
                    return await CrawlQueue.RunAsync(JobArguments.Parse(job), startPages, downloadOptions, crawlOptions, output.Read(parseResult, io), io, log, cancellationToken);
                }

                var mode = output.Read(parseResult, io);
                var refusals = new ScopeRefusals();
                var exitCode = await DownloadRun.ExecuteAsync(
                    downloadOptions.Directory,
                    token => refusals.CountAsync(crawler.CrawlAsync(startPages, token), token),
                    crawler.GetProgress,
                    mode,
                    io,
                    log,
                    crawler.Downloader,
                    cancellationToken);
                if (mode != OutputMode.Quiet)
                {
                    foreach (var line in refusals.Lines())
                    {
                        await io.Error.WriteLineAsync($"haul: {line}");
                    }
                }

                // Said in every mode, --json and -q included: an empty run must not look like an empty site.
                if (crawler.AlreadyFinished is { } finished)
                {
                    var pictures = finished.Pictures == 1 ? "1 picture" : $"{finished.Pictures} pictures";
                    await io.Error.WriteLineAsync(
                        $"haul: crawl already finished on {finished.FinishedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC: {pictures}; --check-updates looks for new ones");
                }

                return exitCode;
            }
        });
        return command;
    }

    private static HashSet<string>? Types(string? list) => list is null
        ? null
        : [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(type => type.TrimStart('.').ToLowerInvariant())];
}
