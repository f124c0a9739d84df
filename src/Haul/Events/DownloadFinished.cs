namespace Haul.Events;

/// <summary>The download ended without failing: saved (<see cref="DownloadStatus.Ok"/>) or found complete (<see cref="DownloadStatus.Skipped"/>).</summary>
/// <param name="Id">The download's number.</param>
/// <param name="Url">The requested URL.</param>
/// <param name="At">When it ended.</param>
/// <param name="Result">The result, as the run also yields it.</param>
public sealed record DownloadFinished(long Id, string Url, DateTimeOffset At, DownloadResult Result) : DownloadEvent(Id, Url, At);
