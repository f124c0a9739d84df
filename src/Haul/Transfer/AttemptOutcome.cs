namespace Haul.Transfer;

/// <summary>How a successful attempt ended: a file at its final path, or a 304 for a conditional request.</summary>
/// <param name="Path">The final path of the file.</param>
/// <param name="NotModified">The server said the copy on disk is current; nothing was written.</param>
/// <param name="Note">A remark for the result line, such as the first copy a duplicate was linked to.</param>
internal readonly record struct AttemptOutcome(string Path, bool NotModified = false, string? Note = null);
