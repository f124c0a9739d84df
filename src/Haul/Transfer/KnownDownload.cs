namespace Haul.Transfer;

/// <summary>A URL as the journal knows it.</summary>
/// <param name="Path">Its target, absolute.</param>
/// <param name="Done">Whether it was saved there (else queued, active or failed).</param>
/// <param name="Size">The saved length, when done.</param>
/// <param name="Sha256">The saved content's SHA-256, when known.</param>
/// <param name="ETag">The server's validator, when it sent one.</param>
/// <param name="LastModified">The server's date validator, when it sent one.</param>
/// <param name="Attempts">Attempts recorded.</param>
internal sealed record KnownDownload(string Path, bool Done, long? Size, string? Sha256, string? ETag, DateTimeOffset? LastModified, int Attempts);
