using Haul.Errors;

namespace Haul.Cli.Output;

/// <summary>What a run did, gathered from its results for the closing summary and the exit code.</summary>
internal sealed class RunSummary
{
    private readonly List<DownloadResult> _failures = [];
    private readonly List<(DownloadResult, Actions.ActionOutcome)> _failedActions = [];
    private readonly List<DownloadResult> _interrupted = [];

    public long Succeeded { get; private set; }

    public long Skipped { get; private set; }

    /// <summary>Bytes received from the network in this run, resumed transfers' new bytes included.</summary>
    public long Bytes { get; private set; }

    /// <summary>Results seen so far.</summary>
    public long Count { get; private set; }

    /// <summary>True when the run was cut short by an error of its own (not of one download).</summary>
    public bool WasAborted { get; private set; }

    /// <summary>Downloads that failed for a reason other than an interruption.</summary>
    public IReadOnlyList<DownloadResult> Failures => _failures;

    /// <summary>Post-download actions that failed, with the file they ran on.</summary>
    public IReadOnlyList<(DownloadResult Result, Actions.ActionOutcome Outcome)> FailedActions => _failedActions;

    /// <summary>Downloads stopped by Ctrl+C; their .part files wait for the next run.</summary>
    public long Interrupted { get; private set; }

    /// <summary>The downloads stopped by Ctrl+C, to name them in the summary.</summary>
    public IReadOnlyList<DownloadResult> InterruptedFiles => _interrupted;

    /// <summary>The run's byte count from its progress: a result's size would count resumed bytes again, and an interrupted transfer's not at all.</summary>
    public void SetBytes(long bytes) => Bytes = bytes;

    public void Aborted() => WasAborted = true;

    public void Add(DownloadResult result)
    {
        Count++;
        _failedActions.AddRange(result.Actions.Where(outcome => !outcome.Succeeded).Select(outcome => (result, outcome)));
        switch (result.Status)
        {
            case DownloadStatus.Ok:
                Succeeded++;
                break;
            case DownloadStatus.Skipped:
                Skipped++;
                break;
            case DownloadStatus.Failed when result.Error?.Kind == ErrorKind.Cancelled:
                Interrupted++;
                _interrupted.Add(result);
                break;
            default:
                _failures.Add(result);
                break;
        }
    }
}
