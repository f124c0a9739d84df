namespace Haul.Events;

/// <summary>A body was received, verified and renamed to its final path.</summary>
/// <param name="Id">The download's number.</param>
/// <param name="Url">The requested URL.</param>
/// <param name="At">When it happened.</param>
/// <param name="Uri">The URL requested, without user information.</param>
/// <param name="Path">The final path.</param>
/// <param name="Size">Its length.</param>
/// <param name="Sha256">The SHA-256 of the bytes on disk.</param>
/// <param name="ETag">The server's validator, when it sent one.</param>
/// <param name="LastModified">The server's date validator, when it sent one.</param>
/// <param name="Attempts">Attempts it took.</param>
internal sealed record FileCommitted(
    long Id,
    string Url,
    DateTimeOffset At,
    Uri Uri,
    string Path,
    long Size,
    string Sha256,
    string? ETag,
    DateTimeOffset? LastModified,
    int Attempts) : RecordEvent(Id, Url, At);
