using Haul.Progress;

namespace Haul.Cli.Output;

/// <summary>The overall numbers both progress views show: files, bytes, speed, and the ETA from the bytes still expected.</summary>
internal sealed class ProgressLine
{
    private readonly RateMeter _bytes = new();

    public string Files { get; private set; } = string.Empty;

    public string Bytes { get; private set; } = string.Empty;

    public string Speed { get; private set; } = string.Empty;

    public string Eta { get; private set; } = string.Empty;

    /// <summary>Files done out of the total, when the total is known.</summary>
    public double? Fraction { get; private set; }

    public void Update(DownloadProgress progress)
    {
        _bytes.Sample(progress.Timestamp, progress.BytesReceived);
        Files = progress.Total is { } total
            ? $"{progress.Finished}/{total} files"
            : $"{progress.Finished}/{progress.Queued}+ files";
        Fraction = progress.Total is > 0 and var known ? (double)progress.Finished / known : null;
        Bytes = ByteFormat.Size(progress.BytesReceived);
        Speed = ByteFormat.Speed(_bytes.PerSecond);
        // From bytes, not files: one large file left after many small ones is most of the wait.
        Eta = progress.ExpectedBytesRemaining is { } remaining && _bytes.PerSecond > 0
            ? $"ETA {ByteFormat.Duration(TimeSpan.FromSeconds(remaining / _bytes.PerSecond))}"
            : "ETA -";
    }
}
