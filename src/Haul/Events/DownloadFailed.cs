using Haul.Errors;

namespace Haul.Events;

/// <summary>The download failed for good (or was cancelled): no more attempts.</summary>
/// <param name="Id">The download's number.</param>
/// <param name="Url">The requested URL.</param>
/// <param name="At">When it failed.</param>
/// <param name="Error">Why, with its kind and message.</param>
/// <param name="Attempts">Attempts made (0 when none was).</param>
public sealed record DownloadFailed(long Id, string Url, DateTimeOffset At, HaulException Error, int Attempts) : DownloadEvent(Id, Url, At);
