namespace Haul.Actions;

internal sealed partial class ArchiveExtraction
{
    /// <summary>
    /// Creates a symbolic link whose target, resolved from the link's own folder, stays inside;
    /// anything else is refused.
    /// </summary>
    /// <remarks>
    /// The link is written with the target as resolved here (leading <c>..</c> only, then plain
    /// names), not as the archive spelled it: a spelled-out <c>a/l/..</c>, where <c>a/l</c> is
    /// itself a link, would otherwise mean something else to the OS than it did to this check.
    /// The leading <c>..</c> climb only through the link's own real folders, so by induction no
    /// link made here leads outside.
    /// </remarks>
    private void CreateSymbolicLink(string entryName, string target)
    {
        var components = EntryComponents(entryName);
        if (components.Count == 0)
        {
            throw _refusal.Create(entryName, "does not name a link inside the folder");
        }

        var folder = components[..^1];
        var resolved = target.Length == 0 || ArchiveEntryPath.IsAbsolute(target) ? null : ArchiveEntryPath.Resolve(folder, target);
        if (resolved is null || !resolved.TrueForAll(ArchiveEntryPath.IsUsableComponent))
        {
            throw _refusal.Create(entryName, $"is a symbolic link to '{DisplayText.Clean(target)}', outside the folder");
        }

        PrepareParents(components, entryName);
        var path = FullPath(components, components.Count, entryName);
        ClearDestination(path, components, entryName);
        File.CreateSymbolicLink(path, RelativeTarget(folder, resolved));
        _symbolicLinks++;
    }

    /// <summary>
    /// A hard link becomes a copy of the file it names (relative to the archive's root, as tar
    /// stores it), which must be a regular file extracted before it. The copy counts against the
    /// limits like any file, so linking one big file many times is no way around them.
    /// </summary>
    private async Task CopyHardLinkAsync(string entryName, string target, CancellationToken cancellationToken)
    {
        var components = EntryComponents(entryName);
        var resolved = target.Length == 0 || ArchiveEntryPath.IsAbsolute(target) ? null : ArchiveEntryPath.Resolve([], target);
        if (resolved is null)
        {
            throw _refusal.Create(entryName, $"is a hard link to '{DisplayText.Clean(target)}', outside the folder");
        }

        if (resolved.Count == 0 || resolved.SequenceEqual(components, StringComparer.Ordinal) || !IsExtractedFile(resolved, entryName))
        {
            throw _refusal.Create(entryName, $"is a hard link to '{DisplayText.Clean(target)}', which is not a file extracted before it");
        }

        var sourcePath = FullPath(resolved, resolved.Count, entryName);
        var source = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous);
        await using (source.ConfigureAwait(false))
        {
            UnixFileMode? mode = OperatingSystem.IsWindows() ? null : File.GetUnixFileMode(source.SafeFileHandle);
            await WriteFileAsync(entryName, components, source, mode, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether the path is a regular file reached through real folders only.</summary>
    private bool IsExtractedFile(List<string> components, string entryName)
    {
        for (var count = 1; count < components.Count; count++)
        {
            if (!_realFolders.Contains(string.Join('/', components.Take(count))))
            {
                return false;
            }
        }

        return Inspect(FullPath(components, components.Count, entryName)) == PathState.File;
    }

    private static string RelativeTarget(List<string> folder, List<string> resolved)
    {
        var common = 0;
        while (common < folder.Count && common < resolved.Count && string.Equals(folder[common], resolved[common], StringComparison.Ordinal))
        {
            common++;
        }

        var parts = Enumerable.Repeat("..", folder.Count - common).Concat(resolved.Skip(common)).ToArray();
        return parts.Length == 0 ? "." : string.Join(Path.DirectorySeparatorChar, parts);
    }
}
