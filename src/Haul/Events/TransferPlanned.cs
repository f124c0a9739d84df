namespace Haul.Events;

/// <summary>A new target path was reserved for the download; its transfer is to come.</summary>
/// <param name="Id">The download's number.</param>
/// <param name="Url">The requested URL.</param>
/// <param name="At">When it happened.</param>
/// <param name="Path">The absolute target path.</param>
internal sealed record TransferPlanned(long Id, string Url, DateTimeOffset At, string Path) : RecordEvent(Id, Url, At);
