using System.Collections.Concurrent;
using Haul.Errors;
using Microsoft.Win32.SafeHandles;

namespace Haul.Storage;

/// <summary>
/// The <c>.part</c> file a download writes into, with a small <c>.part.meta</c> beside it that
/// remembers the validators (ETag, Last-Modified) needed to resume it with <c>If-Range</c>.
/// Only a complete, verified body is moved to the final name.
/// </summary>
/// <remarks>
/// <para>
/// One writer per file: a transfer claims its .part (<see cref="TryClaim"/>) before it touches the
/// .part, its metadata or the target, and holds the claim, an exclusive OS lock on the open .part
/// (<see cref="FileLock"/>) plus a reservation within the process, until it ends. Every write goes
/// through that one handle; nothing else opens the .part for writing.
/// </para>
/// <para>
/// The metadata is written only once there is something worth resuming (see
/// <see cref="SaveMetadataAsync(CancellationToken)"/>), so a small file costs one create and one rename, not five
/// file operations. A .part without metadata is never resumed, only restarted.
/// </para>
/// </remarks>
internal sealed partial class PartFile : IDisposable
{
    public const string Suffix = ".part";
    public const string MetaSuffix = ".part.meta";

    /// <summary>The .part files claimed in this process (full paths): the lock's in-process half.</summary>
    private static readonly ConcurrentDictionary<string, byte> s_claimed = new(StringComparer.Ordinal);

    private PartMetadata? _metadata;
    private bool _metadataOnDisk;
    private SafeFileHandle? _handle;
    private string? _claimKey;

    /// <summary>Set once the name no longer leads to this transfer's file (renamed to the target, or removed).</summary>
    private bool _released;

    /// <summary>
    /// The length the claim saw (from the statx(2) that checked the name), until a handle for
    /// writes is handed out or the file is cut: no one else writes the locked .part, so asking the
    /// OS again before then would only repeat the answer. Null when unknown or no longer current.
    /// </summary>
    private long? _claimedLength;

    /// <summary>The identity of the claimed file, from the claim's statx(2); an open handle keeps it. Null when unknown.</summary>
    private (ulong Device, ulong Inode)? _identity;

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

    /// <summary>True when the claimed .part was there before (a resume candidate), false when the claim created it.</summary>
    public bool Existed { get; private set; }

    /// <summary>The claimed handle: reads of the .part go through it (another open would meet the lock).</summary>
    public SafeFileHandle Handle => _handle ?? throw new InvalidOperationException("The .part is not claimed.");

    public long ExistingLength() => _handle is null ? 0 : _claimedLength ?? RandomAccess.GetLength(_handle);

    /// <summary>
    /// Claims the .part: opens it (creating it exclusively, O_EXCL, when absent, which never
    /// follows a link) and locks it. False when another transfer, in this process or another,
    /// holds it. A link at the .part's name throws <see cref="LinkRefusedException"/>.
    /// </summary>
    public bool TryClaim()
    {
        var key = System.IO.Path.GetFullPath(Path);
        if (!s_claimed.TryAdd(key, 0))
        {
            return false;
        }

        try
        {
            if (OpenAndLock(out var length, out var identity) is not { } handle)
            {
                s_claimed.TryRemove(key, out _);
                return false;
            }

            (_handle, _claimKey, _claimedLength, _identity) = (handle, key, length, identity);
            return true;
        }
        catch
        {
            s_claimed.TryRemove(key, out _);
            throw;
        }
    }

    private SafeFileHandle? OpenAndLock(out long? length, out (ulong Device, ulong Inode)? identity)
    {
        length = null;
        identity = null;
        for (var tries = 0; ; tries++)
        {
            // No look for a link before the create: O_CREAT|O_EXCL fails on any name that is
            // there, a link (dangling or not) included, and never follows it. The open of an
            // existing .part below is the one that must look first.
            SafeFileHandle handle;
            try
            {
                handle = File.OpenHandle(Path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.Asynchronous);
                Existed = false;
            }
            catch (IOException taken) when (IsAlreadyThere(taken) || File.Exists(Path) || NoFollow.IsLink(Path))
            {
                // It existed at the create; its holder may have renamed it away since, so the open
                // below can find nothing: that is the FileNotFoundException retried below.
                NoFollow.Check(Path);
                try
                {
                    handle = File.OpenHandle(Path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, FileOptions.Asynchronous);
                    Existed = true;
                }
                catch (FileNotFoundException) when (tries < 8)
                {
                    continue; // removed in between: create it
                }
                catch (IOException ex) when (IsSharingViolation(ex))
                {
                    return null; // the runtime's own share-mode lock (when enabled) says it is held
                }
            }

            if (!FileLock.TryTake(handle))
            {
                handle.Dispose();
                return null;
            }

            // The holder before us may have renamed the .part to its target (or removed it) between
            // our open and our lock: then the handle is no longer the file the name leads to.
            if (FileIdentity.StillNames(handle, Path, out length, out var notPlain, out identity))
            {
                // An existing .part is only ever resumed when it is a plain file with one name: a
                // FIFO would be committed as an empty "download", and a hard link to a file outside
                // -d would have that file cut and overwritten. A .part this claim created is one.
                if (Existed && notPlain is not null)
                {
                    handle.Dispose();
                    throw new LinkRefusedException(Path, notPlain);
                }

                return handle;
            }

            handle.Dispose();
            if (tries >= 8)
            {
                return null;
            }
        }
    }

    /// <summary>The exclusive create failed because the name was taken (EEXIST; ERROR_FILE_EXISTS, ERROR_ALREADY_EXISTS).</summary>
    private static bool IsAlreadyThere(IOException ex) =>
        ex.HResult is 17 or unchecked((int)0x80070050) or unchecked((int)0x800700B7);

    private static bool IsSharingViolation(IOException ex) =>
        ex.HResult is 11 or 35 or 32 or unchecked((int)0x80070020) or unchecked((int)0x80070021);

    /// <summary>
    /// The claimed .part, for writes of a segmented download at any offset, at its full length
    /// (a fresh one is emptied first). The returned handle does not own the file: disposing it
    /// leaves the claim held.
    /// </summary>
    public SafeFileHandle OpenForPieces(long length, bool fresh)
    {
        _claimedLength = null;
        if (fresh && RandomAccess.GetLength(Handle) != 0)
        {
            RandomAccess.SetLength(Handle, 0);
        }

        return WithLength(Borrow(), length);
    }

    /// <summary>
    /// The claimed .part, for writes from <paramref name="offset"/> on (bytes past it are cut off,
    /// through the handle). The returned handle does not own the file: disposing it leaves the claim held.
    /// </summary>
    public SafeFileHandle OpenForWrite(long offset)
    {
        // Writes may follow through the handle: from here on the length is asked for, not remembered.
        var known = _claimedLength;
        _claimedLength = null;
        return known == offset ? Borrow() : WithLength(Borrow(), offset);
    }

    /// <summary>A second, non-owning handle object over the claimed descriptor, for callers that dispose what they open.</summary>
    private SafeFileHandle Borrow() => new(Handle.DangerousGetHandle(), ownsHandle: false);

    /// <summary>
    /// Why the .part cannot be committed as holding <paramref name="length"/> bytes, or null when
    /// it can: its length through the handle, and (where the OS tells) that its name still leads
    /// to the file the handle holds. Both are a system call each; see the commit for the content check.
    /// </summary>
    public string? CheckIntact(long length)
    {
        // The claim learned which file the handle holds: when the name still leads to that file,
        // one statx(2) of the name gives its length too.
        if (_identity is { } identity && FileIdentity.StatusOfPath(Path) is { Length: >= 0 } named && (named.Device, named.Inode) == identity)
        {
            return named.Length == length ? null : $"it holds {named.Length} bytes, not the {length} written";
        }

        // The statx(2) that reads the handle's identity reports its length too; the separate
        // fstat(2) is only for where the OS does not tell.
        var stillNamed = FileIdentity.StillNames(Handle, Path, out var reported);
        var actual = reported ?? RandomAccess.GetLength(Handle);
        if (actual != length)
        {
            return $"it holds {actual} bytes, not the {length} written";
        }

        return stillNamed ? null : "its name leads to another file now";
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
        _claimedLength = null;
        if (!_released)
        {
            File.Delete(Path);
            _released = _handle is not null;
        }

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
            // rename(2) replaces whatever is at the name, a link included, and never follows it.
            File.Move(Path, finalPath, overwrite: true);
        }
        else if (!AtomicRename.TryMoveNoReplace(Path, finalPath))
        {
            return false;
        }

        _released = true;
        _claimedLength = null;
        RemoveMetadata();
        return true;
    }

    /// <summary>Empties the claimed .part and forgets its metadata: its bytes cannot be trusted.</summary>
    public void Reset()
    {
        _claimedLength = null;
        RandomAccess.SetLength(Handle, 0);
        File.Delete(MetaPath);
        _metadata = null;
        _metadataOnDisk = false;
    }

    /// <summary>The body went somewhere else (a hard link to its twin): drop the .part and its metadata.</summary>
    public void Discard()
    {
        File.Delete(Path);
        _released = true;
        _claimedLength = null;
        RemoveMetadata();
    }

    /// <summary>
    /// Ends the claim. An empty .part with no metadata is worth nothing, so it is removed first
    /// (while still locked: no one else can have claimed it meanwhile).
    /// </summary>
    public void Dispose()
    {
        if (_handle is null)
        {
            return;
        }

        try
        {
            if (!_released && !_metadataOnDisk && RandomAccess.GetLength(_handle) == 0 && FileIdentity.StillNames(_handle, Path))
            {
                File.Delete(Path);
            }
        }
        catch (Exception ex) when (HaulErrors.IsStorageFault(ex))
        {
            // An empty .part left behind is harmless: the next claim truncates or resumes it.
        }

        _handle.Dispose();
        _handle = null;
        s_claimed.TryRemove(_claimKey!, out _);
    }
}
