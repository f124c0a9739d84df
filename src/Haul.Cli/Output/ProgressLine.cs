using Haul.Progress;

namespace Haul.Cli.Output;

/// <summary>The overall numbers both progress views show: files, bytes, speed, ETA.</summary>
internal sealed class ProgressLine
{
    private readonly RateMeter _bytes = new();
    private readonly RateMeter _files = new();

    public string Files { get; private set; } = string.Empty;

    public string Bytes { get; private set; } = string.Empty;

    public string Speed { get; private set; } = string.Empty;

    public string Eta { get; private set; } = string.Empty;

    /// <summary>Files done out of the total, when the total is known.</summary>
    public double? Fraction { get; private set; }

    public void Update(DownloadProgress progress)
    {
        _bytes.Sample(progress.Timestamp, progress.BytesReceived);
        _files.Sample(progress.Timestamp, progress.Finished);
        Files = progress.Total is { } total
            ? $"{progress.Finished}/{total} files"
            : $"{progress.Finished}/{progress.Queued}+ files";
        Fraction = progress.Total is > 0 and var known ? (double)progress.Finished / known : null;
        Bytes = ByteFormat.Size(progress.BytesReceived);
        Speed = ByteFormat.Speed(_bytes.PerSecond);
        Eta = progress.Total is { } all && _files.PerSecond > 0
            ? $"ETA {ByteFormat.Duration(TimeSpan.FromSeconds((all - progress.Finished) / _files.PerSecond))}"
            : "ETA -";
    }
}
