namespace Haul.Events;

/// <summary>
/// Something that happened to one download, raised as it happens through
/// <see cref="Downloader.EventRaised"/>. The concrete types are sealed records; switch on them.
/// </summary>
/// <remarks>
/// Events of one download arrive in the order they happened: <see cref="DownloadQueued"/>, then per
/// attempt <see cref="DownloadRequestSent"/>, <see cref="DownloadResponseReceived"/> (and
/// <see cref="DownloadRedirected"/> per redirect), <see cref="DownloadStarted"/> once a body comes,
/// <see cref="DownloadRetrying"/> before another attempt, <see cref="DownloadPaused"/> when it is
/// paused (its next run starts again with a request), and last one <see cref="DownloadFinished"/>
/// or <see cref="DownloadFailed"/>. Progress within a body is not an event: take
/// <see cref="Downloader.GetProgress"/> snapshots at the rate you draw at. Handlers run on the
/// transfer's own task, so they must be quick; an exception a handler throws is caught and counted,
/// never passed to the transfer.
/// </remarks>
/// <param name="Id">The download's number in this downloader, from 1 in the order requests were read.</param>
/// <param name="Url">The URL as requested (any password in it included, as given).</param>
/// <param name="At">When it happened, on the downloader's clock.</param>
public abstract record DownloadEvent(long Id, string Url, DateTimeOffset At);
