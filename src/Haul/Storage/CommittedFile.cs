namespace Haul.Storage;

/// <summary>Where a committed body ended up.</summary>
/// <param name="Path">The final path of the file (or, when a link failed under <c>--dedupe</c>, of the first copy).</param>
/// <param name="Note">A remark for the result line, such as the first copy a duplicate was linked to.</param>
internal readonly record struct CommittedFile(string Path, string? Note = null);
