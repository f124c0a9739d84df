namespace Haul.Actions;

/// <summary>A download that has just been saved at its final path, handed to the post-download actions.</summary>
/// <param name="Url">The URL as requested.</param>
/// <param name="Path">Where the file is.</param>
/// <param name="Sha256">Its SHA-256, lower-case hex.</param>
/// <param name="Bytes">Its size.</param>
public sealed record CompletedFile(string Url, string Path, string Sha256, long Bytes);
