namespace Haul.Events;

/// <summary>
/// A file already at the target was taken as this URL's body without fetching it: the records
/// said so (another process finished it), or the server confirmed its length.
/// </summary>
/// <param name="Id">The download's number.</param>
/// <param name="Url">The requested URL.</param>
/// <param name="At">When it happened.</param>
/// <param name="Path">The target path.</param>
/// <param name="Size">Its length.</param>
/// <param name="Sha256">Its SHA-256, when it was computed.</param>
/// <param name="ETag">The validator recorded for it, if any.</param>
/// <param name="LastModified">The date validator recorded for it, if any.</param>
/// <param name="Attempts">Attempts recorded for it.</param>
internal sealed record FileAdopted(
    long Id,
    string Url,
    DateTimeOffset At,
    string Path,
    long Size,
    string? Sha256,
    string? ETag,
    DateTimeOffset? LastModified,
    int Attempts) : RecordEvent(Id, Url, At);
