using Haul.Errors;

namespace Haul.Cli.Running;

/// <summary>What a run did, gathered from its results for the closing summary and the exit code.</summary>
internal sealed class RunSummary
{
    private readonly List<DownloadResult> _failures = [];

    public long Succeeded { get; private set; }

    public long Skipped { get; private set; }

    public long Bytes { get; private set; }

    public IReadOnlyList<DownloadResult> Failures => _failures;

    public bool Interrupted => _failures.Any(failure => failure.Error?.Kind == ErrorKind.Cancelled);

    public void Add(DownloadResult result)
    {
        switch (result.Status)
        {
            case DownloadStatus.Ok:
                Succeeded++;
                Bytes += result.Bytes;
                break;
            case DownloadStatus.Skipped:
                Skipped++;
                break;
            default:
                _failures.Add(result);
                break;
        }
    }
}
