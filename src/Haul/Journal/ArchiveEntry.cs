namespace Haul.Journal;

/// <summary>One URL in the download archive.</summary>
/// <param name="Key">The normalized URL.</param>
/// <param name="Url">The URL as first requested.</param>
/// <param name="Sha256">SHA-256 of what was saved.</param>
/// <param name="Size">Its size.</param>
/// <param name="Path">The absolute path it was saved at.</param>
/// <param name="AddedAt">When it was added.</param>
public sealed record ArchiveEntry(string Key, string Url, string Sha256, long Size, string Path, DateTimeOffset AddedAt);
