using Haul.Errors;

namespace Haul.Cli.Running;

/// <summary>What a run did, gathered from its results for the closing summary and the exit code.</summary>
internal sealed class RunSummary
{
    private readonly List<DownloadResult> _failures = [];
    private readonly List<(DownloadResult, Actions.ActionOutcome)> _failedActions = [];

    public long Succeeded { get; private set; }

    public long Skipped { get; private set; }

    public long Bytes { get; private set; }

    /// <summary>Downloads that failed for a reason other than an interruption.</summary>
    public IReadOnlyList<DownloadResult> Failures => _failures;

    /// <summary>Post-download actions that failed, with the file they ran on.</summary>
    public IReadOnlyList<(DownloadResult Result, Actions.ActionOutcome Outcome)> FailedActions => _failedActions;

    /// <summary>Downloads stopped by Ctrl+C; their .part files wait for the next run.</summary>
    public long Interrupted { get; private set; }

    public void Add(DownloadResult result)
    {
        _failedActions.AddRange(result.Actions.Where(outcome => !outcome.Succeeded).Select(outcome => (result, outcome)));
        switch (result.Status)
        {
            case DownloadStatus.Ok:
                Succeeded++;
                Bytes += result.Bytes;
                break;
            case DownloadStatus.Skipped:
                Skipped++;
                break;
            case DownloadStatus.Failed when result.Error?.Kind == ErrorKind.Cancelled:
                Interrupted++;
                break;
            default:
                _failures.Add(result);
                break;
        }
    }
}
