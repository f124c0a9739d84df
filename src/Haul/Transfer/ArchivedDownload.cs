namespace Haul.Transfer;

/// <summary>A URL as the shared archive knows it.</summary>
/// <param name="Path">Where it was saved, absolute.</param>
/// <param name="Size">Its length.</param>
/// <param name="Sha256">Its SHA-256.</param>
internal sealed record ArchivedDownload(string Path, long Size, string Sha256);
