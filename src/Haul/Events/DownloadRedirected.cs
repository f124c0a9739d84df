namespace Haul.Events;

/// <summary>The server sent the download elsewhere, and the redirect is followed.</summary>
/// <param name="Id">The download's number.</param>
/// <param name="Url">The requested URL.</param>
/// <param name="At">When the redirect arrived.</param>
/// <param name="From">The URL that answered with the redirect.</param>
/// <param name="To">The URL the next request goes to.</param>
/// <param name="Status">The redirect's status (301, 302, 303, 307 or 308).</param>
public sealed record DownloadRedirected(long Id, string Url, DateTimeOffset At, Uri From, Uri To, int Status) : DownloadEvent(Id, Url, At);
