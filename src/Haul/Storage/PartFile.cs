using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace Haul.Storage;

/// <summary>
/// The <c>.part</c> file a download writes into, with a small <c>.part.meta</c> beside it that
/// remembers the validators (ETag, Last-Modified) needed to resume it with <c>If-Range</c>.
/// Only a complete, verified body is moved to the final name.
/// </summary>
/// <remarks>
/// The metadata is written only once there is something worth resuming (see
/// <see cref="SaveMetadataAsync(CancellationToken)"/>), so a small file costs one create and one rename, not five
/// file operations. A .part without metadata is never resumed, only restarted.
/// </remarks>
internal sealed class PartFile
{
    public const string Suffix = ".part";
    public const string MetaSuffix = ".part.meta";

    private PartMetadata? _metadata;
    private bool _metadataOnDisk;
    private bool _partSeen;

    public PartFile(string targetPath)
    {
        TargetPath = targetPath;
        Path = targetPath + Suffix;
        MetaPath = targetPath + MetaSuffix;
    }

    public string TargetPath { get; }

    public string Path { get; }

    public string MetaPath { get; }

    public bool MetadataSaved => _metadataOnDisk;

    /// <summary>The validators of the body in the .part, once a reply has arrived.</summary>
    public PartMetadata? Metadata => _metadata;

    public long ExistingLength()
    {
        var info = new FileInfo(Path);
        _partSeen |= info.Exists;
        return info.Exists ? info.Length : 0;
    }

    /// <summary>Reads the metadata of a .part left by an earlier attempt or run.</summary>
    public async ValueTask<PartMetadata?> LoadMetadataAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = File.OpenRead(MetaPath);
            _metadata = await JsonSerializer.DeserializeAsync(stream, PartMetadataJson.Default.PartMetadata, cancellationToken).ConfigureAwait(false);
            _metadataOnDisk = _metadata is not null;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            // Missing or torn metadata only costs a restart from zero, never a wrong splice.
            _metadata = null;
        }

        return _metadata;
    }

    /// <summary>A new body is coming from byte zero: forget the old validators, on disk too.</summary>
    public void StartOver(PartMetadata metadata)
    {
        if (_partSeen || _metadataOnDisk)
        {
            File.Delete(MetaPath);
        }

        _metadataOnDisk = false;
        _metadata = metadata;
    }

    /// <summary>Writes the metadata of the current body if it is not on disk yet.</summary>
    public async ValueTask SaveMetadataAsync(CancellationToken cancellationToken)
    {
        if (_metadata is null || _metadataOnDisk)
        {
            return;
        }

        var temp = MetaPath + ".tmp";
        await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            await JsonSerializer.SerializeAsync(stream, _metadata, PartMetadataJson.Default.PartMetadata, cancellationToken).ConfigureAwait(false);
        }

        File.Move(temp, MetaPath, overwrite: true);
        _metadataOnDisk = true;
    }

    /// <summary>Replaces the metadata on disk with <paramref name="metadata"/> (a segmented download's piece map changes as it goes).</summary>
    public async ValueTask SaveMetadataAsync(PartMetadata metadata, CancellationToken cancellationToken)
    {
        _metadata = metadata;
        _metadataOnDisk = false;
        await SaveMetadataAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens the .part of a segmented download for writes at any offset, at its full length; a new
    /// one gets its disk space reserved up front.
    /// </summary>
    public SafeFileHandle OpenForPieces(long length, bool fresh)
    {
        _partSeen = true;
        return WithLength(
            fresh
                ? File.OpenHandle(Path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, FileOptions.Asynchronous, preallocationSize: length)
                : File.OpenHandle(Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, FileOptions.Asynchronous),
            length);
    }

    /// <summary>
    /// Opens the .part for writes from <paramref name="offset"/> on (bytes past it are cut off). A
    /// new .part is created exclusively, which needs no truncation: one system call where there is
    /// nothing to resume.
    /// </summary>
    public SafeFileHandle OpenForWrite(long offset)
    {
        var existed = _partSeen;
        _partSeen = true;
        if (offset == 0 && !existed)
        {
            try
            {
                return File.OpenHandle(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, FileOptions.Asynchronous);
            }
            catch (IOException) when (File.Exists(Path))
            {
                // A .part appeared since it was looked for: truncate it below.
            }
        }

        return offset == 0
            ? File.OpenHandle(Path, FileMode.Create, FileAccess.Write, FileShare.Read, FileOptions.Asynchronous)
            : WithLength(File.OpenHandle(Path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, FileOptions.Asynchronous), offset);
    }

    /// <summary>Cuts or extends the file to <paramref name="length"/> bytes where it is not that long already.</summary>
    private static SafeFileHandle WithLength(SafeFileHandle handle, long length)
    {
        try
        {
            if (RandomAccess.GetLength(handle) != length)
            {
                RandomAccess.SetLength(handle, length);
            }

            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public void Delete()
    {
        File.Delete(Path);
        File.Delete(MetaPath);
        _metadata = null;
        _metadataOnDisk = false;
    }

    /// <summary>
    /// Moves the finished body to <paramref name="finalPath"/>. An existing file there is never
    /// replaced unless <paramref name="replace"/> says it is this URL's own older copy; then the
    /// rename swaps it atomically.
    /// </summary>
    public bool TryCommit(string finalPath, bool replace = false)
    {
        if (replace)
        {
            File.Move(Path, finalPath, overwrite: true);
        }
        else if (!AtomicRename.TryMoveNoReplace(Path, finalPath))
        {
            return false;
        }

        RemoveMetadata();
        return true;
    }

    /// <summary>The body went somewhere else (a hard link to its twin): drop the .part and its metadata.</summary>
    public void Discard()
    {
        File.Delete(Path);
        RemoveMetadata();
    }

    private void RemoveMetadata()
    {
        if (_metadataOnDisk)
        {
            File.Delete(MetaPath);
            _metadataOnDisk = false;
        }
    }
}
