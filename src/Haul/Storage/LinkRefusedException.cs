namespace Haul.Storage;

/// <summary>
/// A symbolic link sits at a path Haul was about to create or write. Storage code has no URL to
/// name, so it throws this and the transfer turns it into a <c>scope</c> failure
/// (<see cref="Errors.HaulErrors.SymbolicLink"/>). Deliberately not an <see cref="IOException"/>:
/// the handlers that turn I/O faults into <c>io</c> failures must not catch it.
/// </summary>
internal sealed class LinkRefusedException(string path) : Exception($"refusing to write through a symbolic link: {path}")
{
    public string Path { get; } = path;
}
