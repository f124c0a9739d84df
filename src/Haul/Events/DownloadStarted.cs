namespace Haul.Events;

/// <summary>An attempt got a body to save: raised once per attempt that reaches the body.</summary>
/// <param name="Id">The download's number.</param>
/// <param name="Url">The requested URL.</param>
/// <param name="At">When the response arrived.</param>
/// <param name="Status">The HTTP status of the reply (200, or 206 for a resume).</param>
/// <param name="Length">The full length of the file, when the server said.</param>
/// <param name="ResumedFrom">Bytes kept from an earlier attempt or run; 0 for a fresh start.</param>
public sealed record DownloadStarted(long Id, string Url, DateTimeOffset At, int Status, long? Length, long ResumedFrom) : DownloadEvent(Id, Url, At);
