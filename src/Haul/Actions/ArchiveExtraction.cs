using System.Buffers;

namespace Haul.Actions;

/// <summary>
/// Unpacks one archive into a fresh folder that only it writes to, enforcing the security rules
/// entry by entry while streaming.
/// </summary>
/// <remarks>
/// Every path is resolved lexically and then built from its components, so the OS never sees
/// a <c>..</c>. Every folder on the way to an entry is either created here or checked to be a
/// real folder (never a symbolic link, and a folder is never replaced by anything else), and
/// files are opened with <see cref="FileMode.CreateNew"/>, which does not follow a link. So no
/// write can leave the folder through a link, whatever links the archive made earlier.
/// </remarks>
internal sealed partial class ArchiveExtraction
{
    private const int BufferSize = 81920;

    private const UnixFileMode PermissionBits =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly string _root;
    private readonly ExtractionBudget _budget;
    private readonly ExtractionRefusal _refusal;

    /// <summary>Folders (relative, '/'-joined) known to be real folders made or checked here; "" is the root.</summary>
    private readonly HashSet<string> _realFolders = new(StringComparer.Ordinal) { string.Empty };

    private int _files;
    private int _symbolicLinks;

    public ArchiveExtraction(string root, ExtractionBudget budget, ExtractionRefusal refusal)
    {
        _root = Path.GetFullPath(root);
        _budget = budget;
        _refusal = refusal;
    }

    public ExtractionSummary Summary => new(_files, _symbolicLinks, _budget.Bytes);

    public Task ExtractAsync(Stream archive, ArchiveFormat format, CancellationToken cancellationToken) => format switch
    {
        ArchiveFormat.Zip => ExtractZipAsync(archive, cancellationToken),
        ArchiveFormat.Tar => ExtractTarAsync(archive, cancellationToken),
        ArchiveFormat.TarGzip => ExtractTarGzipAsync(archive, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>The folder-relative components of an entry's own name.</summary>
    private List<string> EntryComponents(string entryName)
    {
        if (ArchiveEntryPath.IsAbsolute(entryName))
        {
            throw _refusal.Create(entryName, "has an absolute path");
        }

        var components = ArchiveEntryPath.Resolve([], entryName)
            ?? throw _refusal.Create(entryName, "would land outside the folder");

        if (!components.TrueForAll(ArchiveEntryPath.IsUsableComponent))
        {
            throw _refusal.Create(entryName, "has a name that cannot be created on this system");
        }

        return components;
    }

    private string FullPath(List<string> components, int count, string entryName)
    {
        var path = count == 0 ? _root : Path.Combine(_root, Path.Combine([.. components.Take(count)]));

        // Belt and braces: the components are already free of "..", but a bug here would be a hole.
        var full = Path.GetFullPath(path);
        if (full != _root && !full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw _refusal.Create(entryName, "would land outside the folder");
        }

        return full;
    }

    /// <summary>Makes sure every folder above the entry is a real folder, creating the missing ones.</summary>
    private void PrepareParents(List<string> components, string entryName)
    {
        for (var count = 1; count < components.Count; count++)
        {
            var key = string.Join('/', components.Take(count));
            if (_realFolders.Contains(key))
            {
                continue;
            }

            var path = FullPath(components, count, entryName);
            switch (Inspect(path))
            {
                case PathState.Missing:
                    Directory.CreateDirectory(path);
                    break;
                case PathState.SymbolicLink:
                    throw _refusal.Create(entryName, $"would be written through the symbolic link '{DisplayText.Clean(key)}'");
                case PathState.File:
                    throw new IOException($"'{DisplayText.Clean(key)}' is a file, so '{DisplayText.Clean(entryName)}' cannot be created below it");
            }

            _realFolders.Add(key);
        }
    }

    /// <summary>Removes an earlier entry of the same name (later entries win, as in tar); a folder is never replaced.</summary>
    private void ClearDestination(string path, List<string> components, string entryName)
    {
        switch (Inspect(path))
        {
            case PathState.File:
            case PathState.SymbolicLink:
                // Deletes a link itself, never what it points to.
                File.Delete(path);
                break;
            case PathState.Directory:
                throw _refusal.Create(entryName, $"would replace the folder '{DisplayText.Clean(string.Join('/', components))}'");
        }
    }

    private void CreateFolder(string entryName)
    {
        var components = EntryComponents(entryName);
        if (components.Count == 0)
        {
            return;
        }

        PrepareParents(components, entryName);
        var path = FullPath(components, components.Count, entryName);
        switch (Inspect(path))
        {
            case PathState.Missing:
                Directory.CreateDirectory(path);
                break;
            case PathState.SymbolicLink:
                throw _refusal.Create(entryName, "would be a folder in place of a symbolic link");
            case PathState.File:
                throw new IOException($"'{DisplayText.Clean(entryName)}' is both a file and a folder in the archive");
        }

        _realFolders.Add(string.Join('/', components));
    }

    private async Task WriteFileAsync(string entryName, Stream source, UnixFileMode? mode, CancellationToken cancellationToken)
    {
        var components = EntryComponents(entryName);
        await WriteFileAsync(entryName, components, source, mode, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteFileAsync(string entryName, List<string> components, Stream source, UnixFileMode? mode, CancellationToken cancellationToken)
    {
        if (components.Count == 0)
        {
            throw _refusal.Create(entryName, "does not name a file inside the folder");
        }

        PrepareParents(components, entryName);
        var path = FullPath(components, components.Count, entryName);
        ClearDestination(path, components, entryName);

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, Options = FileOptions.Asynchronous };
        if (mode is { } unixMode && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = unixMode;
        }

        var output = new FileStream(path, options);
        await using (output.ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                int read;
                while ((read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    _budget.AddBytes(read, entryName);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        _files++;
    }

    /// <summary>
    /// Keeps the permission bits only: never set-user-ID, set-group-ID or sticky from an archive,
    /// and always readable and writable by the owner, so a later hard link can copy the file.
    /// </summary>
    private static UnixFileMode? PermissionsOf(UnixFileMode mode) =>
        (mode & PermissionBits) is 0 ? null : (mode & PermissionBits) | UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static PathState Inspect(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            return PathState.SymbolicLink;
        }

        if (info.Exists)
        {
            return PathState.File;
        }

        return Directory.Exists(path) ? PathState.Directory : PathState.Missing;
    }
}
