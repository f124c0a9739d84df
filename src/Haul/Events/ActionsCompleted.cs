namespace Haul.Events;

/// <summary>The post-download actions of a saved file ran.</summary>
/// <param name="Id">The download's number.</param>
/// <param name="Url">The requested URL.</param>
/// <param name="At">When it happened.</param>
/// <param name="OutcomesJson">Their outcomes, as the JSON result line carries them.</param>
internal sealed record ActionsCompleted(long Id, string Url, DateTimeOffset At, string OutcomesJson) : RecordEvent(Id, Url, At);
