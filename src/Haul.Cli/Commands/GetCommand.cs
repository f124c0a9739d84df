using System.CommandLine;
using Haul.Checksums;
using Haul.Cli.Running;
using Haul.Input;

namespace Haul.Cli.Commands;

/// <summary><c>haul get [URL…] [options]</c>: download URLs given as arguments or in an input file.</summary>
internal static class GetCommand
{
    public static Command Create(CliIo io)
    {
        var urls = new Argument<string[]>("url") { Description = "URLs to download.", Arity = ArgumentArity.ZeroOrMore };
        var inputFile = new Option<string?>("--input-file", "-i") { Description = "A file of URLs, one per line (aria2 style); '-' reads stdin." };
        var dir = new Option<string>("--dir", "-d") { Description = "The output directory, created if missing.", DefaultValueFactory = _ => "." };
        var outName = new Option<string?>("--out", "-o") { Description = "The output file name, or a path inside DIR such as sub/x.bin (only with a single URL)." };
        var maxConcurrent = NumberOptions.Whole("--max-concurrent", "-j", 1, 10_000, 16, "Downloads in flight at once.");
        var maxPerHost = NumberOptions.Whole("--max-per-host", null, 1, 10_000, 8, "Connections to one host at once.");
        var checksum = new Option<string?>("--checksum") { Description = "ALGO=HEX the file must match (sha-256, sha-1, md5); single URL only." };
        var noJournal = new Option<bool>("--no-journal") { Description = "Keep no journal in DIR/.haul: re-runs cannot skip what is done." };
        var noClobber = new Option<bool>("--no-clobber", "-nc") { Description = "Keep any file already at a target untouched; report it skipped." };
        var checkUpdates = new Option<bool>("--check-updates", "--timestamping", "-N") { Description = "Ask the server whether finished files changed (304: skipped, 200: replaced)." };
        var archive = new Option<string?>("--archive") { Description = "A download archive (SQLite) shared across runs and directories: URLs in it are skipped." };
        var dedupe = new Option<bool>("--dedupe") { Description = "Do not store a second copy of content already downloaded: hard-link it, or name the first copy." };
        var extract = new Option<bool>("--extract") { Description = "Unpack .zip, .tar, .tar.gz and .tgz files into a folder beside them." };
        var extractMaxSize = new Option<string>("--extract-max-size") { Description = "The most one archive may unpack to.", DefaultValueFactory = _ => "16G" };
        var extractMaxEntries = NumberOptions.Whole("--extract-max-entries", null, 1, 100_000_000, 100_000, "The most entries one archive may hold.");
        var extractMaxRatio = new Option<double>("--extract-max-ratio") { Description = "The largest unpacked-to-packed size ratio.", DefaultValueFactory = _ => 200 };
        var onComplete = new Option<string?>("--on-complete") { Description = "Run this program (no shell) for each finished file; {path}, {url} and {sha256} are replaced." };
        var output = new OutputOptions();
        var requestFlags = new RequestFlags();

        var command = new Command("get", "Download URLs (also: haul URL…).")
        {
            urls, inputFile, dir, outName, maxConcurrent, maxPerHost, checksum,
            noJournal, noClobber, checkUpdates, archive, dedupe, extract, extractMaxSize, extractMaxEntries, extractMaxRatio, onComplete,
        };
        output.AddTo(command);
        var attemptFlags = new AttemptFlags();
        attemptFlags.AddTo(command);
        requestFlags.AddTo(command);
        var speedFlags = new SpeedFlags();
        speedFlags.AddTo(command);
        var verboseFlags = new VerboseFlags();
        verboseFlags.AddTo(command);

        // The spellings of wget, aria2 and curl, and what would be fetched without fetching it.
        dir.Aliases.Add("-P");
        var transferFlags = new TransferFlags();
        transferFlags.AddTo(command);
        var dryRun = new Option<bool>("--dry-run") { Description = "Print each URL and the path it would be saved under (named from the URL or -o/out=); nothing is requested or written." };
        command.Options.Add(dryRun);

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var urlArgs = ArgumentChecks.UrlsOnly(parseResult.GetValue(urls) ?? [], "get");

            var input = parseResult.GetValue(inputFile);
            var single = urlArgs.Length == 1 && input is null;
            if (urlArgs.Length == 0 && input is null)
            {
                throw new UsageException("no URL given: pass URLs or --input-file FILE (see 'haul get --help').");
            }

            var name = parseResult.GetValue(outName);
            if (name is not null && !single)
            {
                throw new UsageException("--out works with a single URL only; use out= lines in an input file for several.");
            }

            if (name is not null && Storage.OutPath.Problem(name) is { } outProblem)
            {
                throw new UsageException($"-o/--out {outProblem}.");
            }

            Checksum? expected = null;
            if (parseResult.GetValue(checksum) is { } text)
            {
                if (!single)
                {
                    throw new UsageException("--checksum works with a single URL only; use checksum= lines in an input file for several.");
                }

                if (!Checksum.TryParse(text, out expected, out var error))
                {
                    throw new UsageException($"--checksum {text}: {error}.");
                }
            }

            var options = new DownloadOptions
            {
                Directory = ArgumentChecks.Directory(parseResult.GetValue(dir)!),
                MaxConcurrent = parseResult.GetValue(maxConcurrent),
                MaxPerHost = parseResult.GetValue(maxPerHost),
                UseJournal = !parseResult.GetValue(noJournal),
                CheckUpdates = parseResult.GetValue(checkUpdates),
                NoClobber = parseResult.GetValue(noClobber),
                ArchivePath = parseResult.GetValue(archive),
                Dedupe = parseResult.GetValue(dedupe),
                Extract = parseResult.GetValue(extract)
                    ? new Actions.ExtractOptions
                    {
                        MaxTotalBytes = ArgumentChecks.Size(parseResult.GetValue(extractMaxSize)!, "--extract-max-size"),
                        MaxEntries = parseResult.GetValue(extractMaxEntries),
                        MaxRatio = parseResult.GetValue(extractMaxRatio) is > 1 and <= 1_000_000 and var ratio
                            ? ratio
                            : throw new UsageException("--extract-max-ratio must be a number more than 1 and at most 1000000."),
                    }
                    : null,
                OnComplete = parseResult.GetValue(onComplete),
            };
            options = await requestFlags.ApplyAsync(parseResult, speedFlags.Apply(parseResult, attemptFlags.Apply(parseResult, options)), io);
            options = transferFlags.Apply(parseResult, options);
            CheckCombinations(options);

            var reader = OpenInput(input, io);
            try
            {
                using var log = verboseFlags.Open(parseResult, io);
                var requests = Requests(urlArgs, reader, name, expected, cancellationToken);
                if (parseResult.GetValue(dryRun))
                {
                    return await DryRun.ExecuteAsync(options, requests, parseResult.GetValue(output.Json), io, cancellationToken);
                }

                return await DownloadRun.ExecuteAsync(options with { Logger = log.Logger }, requests, output.Read(parseResult, io), io, log, cancellationToken);
            }
            finally
            {
                if (!ReferenceEquals(reader, io.In))
                {
                    reader?.Dispose();
                }
            }
        });
        return command;
    }

    private static void CheckCombinations(DownloadOptions options)
    {
        if (options.CheckUpdates && !options.UseJournal)
        {
            throw new UsageException("--check-updates needs the journal; drop --no-journal.");
        }

        if (options.Dedupe && !options.UseJournal && options.ArchivePath is null)
        {
            throw new UsageException("--dedupe needs the journal or --archive FILE to find earlier copies.");
        }

        if (options.OnComplete is { } command)
        {
            try
            {
                _ = Actions.CommandTemplate.Parse(command);
            }
            catch (ArgumentException ex)
            {
                throw new UsageException($"--on-complete: {ex.Message}");
            }
        }
    }

    private static TextReader? OpenInput(string? path, CliIo io)
    {
        if (path is null)
        {
            return null;
        }

        if (path == "-")
        {
            return io.In;
        }

        try
        {
            return new StreamReader(path, new FileStreamOptions { Options = FileOptions.SequentialScan });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new UsageException($"cannot read input file '{path}': {ex.Message}");
        }
    }

    private static async IAsyncEnumerable<DownloadRequest> Requests(
        string[] urls,
        TextReader? input,
        string? outName,
        Checksum? checksum,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var url in urls)
        {
            yield return new DownloadRequest(url) { OutName = outName, Checksum = checksum };
        }

        if (input is not null)
        {
            await foreach (var request in UrlListReader.ReadAsync(input, cancellationToken))
            {
                yield return request;
            }
        }
    }
}
