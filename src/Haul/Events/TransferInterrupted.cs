namespace Haul.Events;

/// <summary>
/// Started and not finished: waiting for another attempt, or stopped (Ctrl+C, a pause) with its
/// <c>.part</c> kept beside <paramref name="Path"/> for the next run.
/// </summary>
/// <param name="Id">The download's number.</param>
/// <param name="Url">The requested URL.</param>
/// <param name="At">When it happened.</param>
/// <param name="Path">The absolute target path.</param>
/// <param name="Attempts">Attempts made so far.</param>
internal sealed record TransferInterrupted(long Id, string Url, DateTimeOffset At, string Path, int Attempts) : RecordEvent(Id, Url, At);
