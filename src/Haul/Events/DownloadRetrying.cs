using Haul.Errors;

namespace Haul.Events;

/// <summary>An attempt failed with a transient fault; the next one starts after <see cref="Wait"/>.</summary>
/// <param name="Id">The download's number.</param>
/// <param name="Url">The requested URL.</param>
/// <param name="At">When the attempt failed.</param>
/// <param name="Attempt">The attempt that failed, from 1.</param>
/// <param name="Kind">What kind of fault it was.</param>
/// <param name="Reason">The fault as one sentence (the failure's message).</param>
/// <param name="Wait">The wait before the next attempt: the server's <c>Retry-After</c>, or the backoff.</param>
public sealed record DownloadRetrying(long Id, string Url, DateTimeOffset At, int Attempt, ErrorKind Kind, string Reason, TimeSpan Wait) : DownloadEvent(Id, Url, At)
{
    /// <summary>The HTTP status that caused the retry, when it was one.</summary>
    public int? StatusCode { get; init; }
}
