using Haul.Errors;

namespace Haul.Events;

/// <summary>The transfer to <paramref name="Path"/> failed for good, or its content was refused.</summary>
/// <param name="Id">The download's number.</param>
/// <param name="Url">The requested URL.</param>
/// <param name="At">When it happened.</param>
/// <param name="Path">The absolute target path.</param>
/// <param name="Error">Why.</param>
/// <param name="Attempts">Attempts made.</param>
internal sealed record TransferFailed(long Id, string Url, DateTimeOffset At, string Path, HaulException Error, int Attempts) : RecordEvent(Id, Url, At);
