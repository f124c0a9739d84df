namespace Haul.Storage;

/// <summary>
/// A symbolic link (or, with a <see cref="Reason"/>, something else that is not a plain file: a
/// FIFO, a device, a file with other hard links) sits at a path Haul was about to create or write.
/// Storage code has no URL to name, so it throws this and the transfer turns it into a
/// <c>scope</c> failure (<see cref="Errors.HaulErrors.SymbolicLink"/>,
/// <see cref="Errors.HaulErrors.NotPlainFile"/>). Deliberately not an <see cref="IOException"/>:
/// the handlers that turn I/O faults into <c>io</c> failures must not catch it.
/// </summary>
internal sealed class LinkRefusedException(string path, string? reason = null)
    : Exception(reason is null ? $"refusing to write through a symbolic link: {path}" : $"refusing to write into {path}: it is {reason}")
{
    public string Path { get; } = path;

    /// <summary>What the entry is when it is not a symbolic link; null for a link.</summary>
    public string? Reason { get; } = reason;
}
