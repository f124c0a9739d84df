namespace Haul.Events;

/// <summary>
/// An event that carries what a record-keeper writes down (paths, digests, validators, states).
/// Only a run's <see cref="IRunObserver"/>s see these: they never reach the downloader's
/// subscribers, its logger or its metrics.
/// </summary>
/// <param name="Id">The download's number.</param>
/// <param name="Url">The requested URL.</param>
/// <param name="At">When it happened.</param>
internal abstract record RecordEvent(long Id, string Url, DateTimeOffset At) : DownloadEvent(Id, Url, At);
