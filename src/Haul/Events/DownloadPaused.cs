namespace Haul.Events;

/// <summary>
/// The download was paused (<see cref="Downloader.Pause"/> or <see cref="Downloader.PauseAll"/>):
/// its transfer stopped, its connection and slot are free, its <c>.part</c> waits for
/// <see cref="Downloader.Resume"/>, which goes on with <c>Range</c> and <c>If-Range</c>.
/// </summary>
/// <param name="Id">The download's number.</param>
/// <param name="Url">The requested URL.</param>
/// <param name="At">When the transfer stopped.</param>
public sealed record DownloadPaused(long Id, string Url, DateTimeOffset At) : DownloadEvent(Id, Url, At);
