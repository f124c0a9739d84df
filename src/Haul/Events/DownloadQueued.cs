namespace Haul.Events;

/// <summary>The request was read from the source and admitted to the run.</summary>
public sealed record DownloadQueued(long Id, string Url, DateTimeOffset At) : DownloadEvent(Id, Url, At);
