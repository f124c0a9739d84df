using System.CommandLine;
using Haul.Distributed;
using Haul.Input;
using Haul.Transfer;

namespace Haul.Cli.Commands;

/// <summary><c>haul enqueue redis://HOST:PORT/JOB [URL…] [-i FILE|-] [--close]</c>: add requests to a distributed job.</summary>
internal static class EnqueueCommand
{
    public static Command Create(CliIo io)
    {
        var job = JobArguments.Address();
        var urls = new Argument<string[]>("url") { Description = "URLs to add.", Arity = ArgumentArity.ZeroOrMore };
        var inputFile = new Option<string?>("--input-file", "-i") { Description = "A file of URLs with their out=, dir=, checksum= lines (aria2 style); '-' reads stdin." };
        var close = new Option<bool>("--close") { Description = "The input is complete: workers leave once the queue is empty." };
        var command = new Command("enqueue", "Add URLs to a distributed job; the same URL is queued once.") { job, urls, inputFile, close };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var address = JobArguments.Parse(parseResult.GetValue(job));
            var urlArgs = ArgumentChecks.UrlsOnly(parseResult.GetValue(urls) ?? [], "enqueue");
            var input = parseResult.GetValue(inputFile);
            var closing = parseResult.GetValue(close);
            if (urlArgs.Length == 0 && input is null && !closing)
            {
                throw new UsageException("nothing to do: pass URLs, --input-file FILE or --close (see 'haul enqueue --help').");
            }

            using var reader = input is null or "-" ? null : OpenInput(input);
            await using var remote = await JobArguments.ConnectAsync(address, io, cancellationToken);
            if (remote is null)
            {
                return ExitCodes.SomeFailed;
            }

            var adding = urlArgs.Length > 0 || input is not null;
            if (adding && await remote.IsClosedAsync())
            {
                throw new UsageException($"the job {address.Job} is closed; enqueue into a new job.");
            }

            var rejected = new List<string>();
            var entries = Valid(Requests(urlArgs, input == "-" ? io.In : reader, cancellationToken), rejected);
            var (added, duplicates) = await remote.EnqueueAsync(entries, cancellationToken);
            foreach (var line in rejected)
            {
                await io.Error.WriteLineAsync($"haul: {Actions.DisplayText.Safe(line)}");
            }

            if (closing)
            {
                await remote.CloseAsync();
            }

            var closed = closing ? "; the job is closed" : string.Empty;
            var refused = rejected.Count > 0 ? $", {rejected.Count} refused" : string.Empty;
            await io.Error.WriteLineAsync($"haul: {added} enqueued, {duplicates} already in the job{refused} ({address}){closed}.");
            return rejected.Count > 0 ? ExitCodes.SomeFailed : ExitCodes.Success;
        });
        return command;
    }

    private static StreamReader OpenInput(string path)
    {
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
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var url in urls)
        {
            yield return new DownloadRequest(url);
        }

        if (input is not null)
        {
            await foreach (var request in UrlListReader.ReadAsync(input, cancellationToken))
            {
                yield return request;
            }
        }
    }

    /// <summary>Requests to queue; a line no worker could use is refused here, with its line number, not queued.</summary>
    private static async IAsyncEnumerable<DownloadRequest> Valid(IAsyncEnumerable<DownloadRequest> requests, List<string> rejected)
    {
        await foreach (var request in requests)
        {
            var where = request.Line is { } line ? $"line {line}: " : string.Empty;
            if (request.InputError is { } error)
            {
                rejected.Add($"{where}{error}");
            }
            else if (!DownloadPlanner.TryParseHttpUrl(request.Url, out _))
            {
                rejected.Add($"{where}'{Haul.Http.UrlMask.Mask(request.Url)}' is not a valid http(s) URL.");
            }
            else
            {
                yield return request;
            }
        }
    }
}
