using Haul.Actions;
using Haul.Cli.Output;
using Haul.Storage;
using Haul.Transfer;

namespace Haul.Cli.Running;

/// <summary>
/// <c>haul get --dry-run</c>: each URL with the path it would be saved under, planned as a run
/// plans it (input order, <c>-o</c>/<c>out=</c>/<c>dir=</c>, <c>name.1.ext</c> for two URLs
/// with one name) but from the URL alone: no request is sent (a server's Content-Disposition
/// could still rename a file), and nothing is read from or written to the output directory, not
/// even the journal or the directory itself.
/// </summary>
internal static class DryRun
{
    public const string Note = "dry run: not fetched";

    public static async Task<int> ExecuteAsync(DownloadOptions options, IAsyncEnumerable<DownloadRequest> requests, bool json, CliIo io, CancellationToken cancellationToken)
    {
        var planner = new DownloadPlanner(options, new NameReservations(), records: null);
        var writer = json ? new JsonResultWriter(io.Out) : null;
        var failed = false;
        await foreach (var request in requests.WithCancellation(cancellationToken))
        {
            var plan = planner.Plan(request);
            var result = plan.Target is { } target
                ? new DownloadResult { Request = request, Status = DownloadStatus.Skipped, Path = target.Path, Note = Note }
                : plan.Immediate!;
            failed |= result.Status == DownloadStatus.Failed;
            if (writer is not null)
            {
                await writer.WriteAsync(result);
            }
            else if (result.Status == DownloadStatus.Failed)
            {
                await io.Error.WriteLineAsync($"haul: {FailureLine.For(result)}");
            }
            else
            {
                await io.Out.WriteLineAsync(DisplayText.Safe(result.Path is { } path ? $"{result.Url} -> {path}" : $"{result.Url}: {result.Note}"));
            }
        }

        return failed ? ExitCodes.SomeFailed : ExitCodes.Success;
    }
}
