using System.Diagnostics;
using Haul.Cli.Output;
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
        return await ExecuteAsync(options.Directory, downloader.DownloadAsync(requests, cancellationToken), downloader.GetProgress, mode, io, cancellationToken);
    }

    /// <summary>Shows any stream of results (a download run, a crawl) the same way.</summary>
    public static async Task<int> ExecuteAsync(
        string directory,
        IAsyncEnumerable<DownloadResult> results,
        Func<DownloadProgress> progress,
        OutputMode mode,
        CliIo io,
        CancellationToken cancellationToken)
    {
        var summary = new RunSummary();
        var json = mode == OutputMode.Json ? new JsonResultWriter(io.Out) : null;
        var started = Stopwatch.GetTimestamp();
        var interrupted = false;

        async Task ConsumeAsync()
        {
            try
            {
                await foreach (var result in results)
                {
                    summary.Add(result);
                    if (json is not null)
                    {
                        await json.WriteAsync(result);
                    }
                    else if (mode is OutputMode.Plain or OutputMode.Quiet)
                    {
                        if (result.Status == DownloadStatus.Failed)
                        {
                            await io.Error.WriteLineAsync($"haul: {FailureLine.For(result)}");
                        }

                        foreach (var outcome in result.Actions.Where(outcome => !outcome.Succeeded))
                        {
                            await io.Error.WriteLineAsync($"haul: {FailureLine.For(outcome)}");
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                interrupted = true;
            }
        }

        IProgressView? view = mode switch
        {
            OutputMode.Bars => new LiveProgressView(progress, io.Error),
            OutputMode.Plain => new PlainProgressView(progress, io.Error, TimeProvider.System, TimeSpan.FromSeconds(2)),
            _ => null,
        };

        try
        {
            var work = ConsumeAsync();
            await (view is null ? work : view.ShowWhileAsync(work));
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            throw new UsageException($"cannot use the journal or archive: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read the input or open the journal in '{directory}': {ex.Message}");
        }

        if (mode is OutputMode.Bars or OutputMode.Plain)
        {
            await SummaryPrinter.PrintAsync(io.Error, summary, Stopwatch.GetElapsedTime(started), directory);
        }

        return interrupted || summary.Interrupted > 0 ? ExitCodes.Interrupted
            : summary.Failures.Count > 0 || summary.FailedActions.Count > 0 ? ExitCodes.SomeFailed
            : ExitCodes.Success;
    }
}
