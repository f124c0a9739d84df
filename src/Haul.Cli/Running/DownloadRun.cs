using System.Diagnostics;
using Haul.Cli.Output;
using Haul.Actions;
using Haul.Progress;

namespace Haul.Cli.Running;

/// <summary>Runs one download job for the CLI: results to their outputs, progress to stderr, an exit code back.</summary>
internal static class DownloadRun
{
    public static async Task<int> ExecuteAsync(
        DownloadOptions options,
        IAsyncEnumerable<DownloadRequest> requests,
        OutputMode mode,
        CliIo io,
        RunLog log,
        CancellationToken cancellationToken)
    {
        Downloader downloader;
        try
        {
            downloader = new Downloader(options);
        }
        catch (ArgumentException ex)
        {
            // A cookies, netrc or CA file that cannot be read, a malformed proxy URL.
            throw new UsageException(ex.Message);
        }

        using var owned = downloader;
        return await ExecuteAsync(options.Directory, token => downloader.DownloadAsync(requests, token), downloader.GetProgress, mode, io, log, downloader, cancellationToken);
    }

    /// <summary>Shows any stream of results (a download run, a crawl) the same way.</summary>
    /// <param name="directory">The output directory, for the messages.</param>
    /// <param name="run">Starts the run; the token is cancelled by Ctrl+C and when stdout is closed.</param>
    /// <param name="progress">Snapshots of the run, for the views and the summary.</param>
    /// <param name="mode">How the run shows itself.</param>
    /// <param name="io">The streams.</param>
    /// <param name="log">Where -v, --debug and --log-file lines go, and the live retry and failure lines.</param>
    /// <param name="engine">The downloader whose events the live lines come from; null: none.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    public static async Task<int> ExecuteAsync(
        string directory,
        Func<CancellationToken, IAsyncEnumerable<DownloadResult>> run,
        Func<DownloadProgress> progress,
        OutputMode mode,
        CliIo io,
        RunLog log,
        Downloader? engine,
        CancellationToken cancellationToken)
    {
        using var watch = log.Watch(engine, mode);
        // A closed stdout (the reader of a pipe gone, as with `| head -1`) stops the run as Ctrl+C does:
        // nobody is left to read the results, and downloading on would only cost the network.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, io.OutputClosed);
        var summary = new RunSummary();
        var json = mode.WritesJson() ? new JsonResultWriter(io.Out) : null;
        var started = Stopwatch.GetTimestamp();
        var interrupted = false;
        var outputClosed = false;

        async Task ConsumeAsync()
        {
            try
            {
                await foreach (var result in run(stop.Token))
                {
                    summary.Add(result);
                    if (json is not null && !outputClosed)
                    {
                        try
                        {
                            await json.WriteAsync(result);
                        }
                        catch (IOException)
                        {
                            outputClosed = true;
                            await stop.CancelAsync();
                        }
                    }

                    if (mode.PrintsFailures())
                    {
                        await PrintFailuresAsync(io.Error, result);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                interrupted = true;
            }
        }

        IProgressView? view = mode switch
        {
            OutputMode.Bars or OutputMode.JsonWithBars => new LiveProgressView(progress, io.Error, io.Environment) { Lines = log.Lines },
            OutputMode.Plain => new PlainProgressView(progress, io.Error, TimeProvider.System, TimeSpan.FromSeconds(2)),
            _ => null,
        };

        var work = ConsumeAsync();
        try
        {
            await (view is null ? work : view.ShowWhileAsync(work));
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            if (summary.Count == 0)
            {
                // The journal, the archive or the input could not be opened: nothing ran yet.
                throw new UsageException(ex is Microsoft.Data.Sqlite.SqliteException
                    ? $"cannot use the journal or archive: {ex.Message}"
                    : $"cannot read the input or open the journal in '{directory}': {ex.Message}");
            }

            await io.Error.WriteLineAsync($"haul: the run stopped: {DisplayText.Safe(ex.Message)}");
            summary.Aborted();
        }

        // A reader that leaves once everything is written (`| head -1` of a one-file run) stopped nothing.
        outputClosed |= io.OutputClosed.IsCancellationRequested && !cancellationToken.IsCancellationRequested && (interrupted || summary.Interrupted > 0);
        if (outputClosed)
        {
            await io.Error.WriteLineAsync("haul: output closed: the run stopped (the .part files are kept; run the same command again to resume).");
        }

        var final = progress();
        summary.SetBytes(final.BytesReceived);
        if (final.JournalError is { } journalError)
        {
            await io.Error.WriteLineAsync($"haul: {DisplayText.Safe(journalError)}");
        }

        if (mode is OutputMode.Bars or OutputMode.Plain or OutputMode.JsonWithBars)
        {
            await SummaryPrinter.PrintAsync(io.Error, summary, Stopwatch.GetElapsedTime(started), directory);
        }

        return outputClosed ? ExitCodes.OutputClosed
            : interrupted || summary.Interrupted > 0 ? ExitCodes.Interrupted
            : summary.Failures.Count > 0 || summary.FailedActions.Count > 0 || summary.WasAborted || final.JournalError is not null ? ExitCodes.SomeFailed
            : ExitCodes.Success;
    }

    private static async Task PrintFailuresAsync(TextWriter error, DownloadResult result)
    {
        if (result.Status == DownloadStatus.Failed)
        {
            await error.WriteLineAsync($"haul: {FailureLine.For(result)}");
        }

        foreach (var outcome in result.Actions.Where(outcome => !outcome.Succeeded))
        {
            await error.WriteLineAsync($"haul: {FailureLine.For(outcome)}");
        }
    }
}
