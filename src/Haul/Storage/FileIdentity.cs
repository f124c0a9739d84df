using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Haul.Storage;

/// <summary>
/// Which file (device and inode) a path or an open handle is, read with statx(2), whose buffer has
/// one layout on every Linux architecture (stat(2)'s differs between them). It tells whether the
/// name a transfer is about to rename is still the file it holds open and locked. Elsewhere it is
/// unknown (null) and callers fall back on the lock and the length checks.
/// </summary>
internal static partial class FileIdentity
{
    private const int AtCurrentDirectory = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const uint StatxLinks = 0x4;
    private const uint StatxIno = 0x100;
    private const uint StatxSize = 0x200;
    private const int BufferSize = 256;

    // Offsets in struct statx: stx_mask at 0, stx_nlink at 16, stx_mode at 28, stx_ino at 32,
    // stx_size at 40, stx_dev_major at 136, stx_dev_minor at 140.
    private const int MaskOffset = 0;
    private const int LinksOffset = 16;
    private const int ModeOffset = 28;
    private const int InodeOffset = 32;
    private const int SizeOffset = 40;
    private const int DeviceOffset = 136;

    // The file type bits of st_mode (S_IFMT) and the types told apart here.
    private const int TypeMask = 0xF000;
    private const int TypeLink = 0xA000;
    private const int TypeDirectory = 0x4000;
    private const int TypeRegular = 0x8000;
    private const int TypeFifo = 0x1000;
    private const int TypeSocket = 0xC000;

    private static volatile bool s_unsupported = !OperatingSystem.IsLinux();

    /// <summary>The identity of the entry at <paramref name="path"/> itself (a link is not followed); null when unknown or absent.</summary>
    public static (ulong Device, ulong Inode)? OfPath(string path) => StatusOfPath(path) is { } status ? (status.Device, status.Inode) : null;

    /// <summary>
    /// The identity and the length of the file <paramref name="handle"/> has open, with what kind
    /// of file it is, from one statx(2) (the length is -1 where the kernel did not report it);
    /// null when unknown.
    /// </summary>
    public static Status? StatusOf(SafeFileHandle handle)
    {
        if (s_unsupported)
        {
            return null;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return Query((int)handle.DangerousGetHandle(), string.Empty, AtEmptyPath);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="path"/> names the file <paramref name="handle"/> has open: false when
    /// the name is gone or is another file (or a link) now; true where identities are unknown.
    /// </summary>
    public static bool StillNames(SafeFileHandle handle, string path) => StillNames(handle, path, out _);

    /// <summary>
    /// <see cref="StillNames(SafeFileHandle, string)"/>, also giving the length of the file the
    /// handle holds as the same statx(2) saw it (null when unknown): one system call fewer than
    /// asking for the length on its own.
    /// </summary>
    public static bool StillNames(SafeFileHandle handle, string path, out long? length) => StillNames(handle, path, out length, out _);

    /// <summary>
    /// <see cref="StillNames(SafeFileHandle, string, out long?)"/>, also saying, from the same
    /// statx(2), why the file is not one Haul may write into: a FIFO, a socket or a device (opened
    /// for writing, a FIFO blocks or swallows the body), or a file with more than one name (a hard
    /// link planted at a name Haul writes would make Haul overwrite the file it also names,
    /// wherever that is). Null when it is a plain file, or when unknown.
    /// </summary>
    public static bool StillNames(SafeFileHandle handle, string path, out long? length, out string? notPlain) =>
        StillNames(handle, path, out length, out notPlain, out _);

    /// <summary>
    /// <see cref="StillNames(SafeFileHandle, string, out long?, out string?)"/>, also giving the
    /// identity of the file the handle holds (null when unknown), which stays the handle's as
    /// long as it is open.
    /// </summary>
    public static bool StillNames(SafeFileHandle handle, string path, out long? length, out string? notPlain, out (ulong Device, ulong Inode)? identity)
    {
        length = null;
        notPlain = null;
        identity = null;
        if (StatusOf(handle) is not { } held)
        {
            return true;
        }

        length = held.Length >= 0 ? held.Length : null;
        notPlain = NotPlain(held);
        identity = (held.Device, held.Inode);
        return OfPath(path) == identity;
    }

    /// <summary>What is at <paramref name="path"/> itself (a link is not followed), from one statx(2); null when unknown or absent.</summary>
    public static Status? StatusOfPath(string path) => Query(AtCurrentDirectory, path, AtSymlinkNoFollow);

    private static string? NotPlain(Status status)
    {
        if (status.Mode is { } mode && (mode & TypeMask) != TypeRegular)
        {
            return (mode & TypeMask) switch
            {
                TypeFifo => "a FIFO (named pipe), not a regular file",
                TypeSocket => "a socket, not a regular file",
                TypeDirectory => "a directory, not a regular file",
                _ => "a device, not a regular file",
            };
        }

        return status.Links is > 1 and var links ? $"a file with {links} names (hard links), so writing it would change the other names too" : null;
    }

    /// <summary>
    /// What is at <paramref name="path"/> itself, a link not followed, from one statx(2) (where
    /// readlink(2) and then stat(2) took two); null where statx is unknown, and callers ask the
    /// runtime instead.
    /// </summary>
    public static EntryKind? KindOf(string path)
    {
        if (s_unsupported)
        {
            return null;
        }

        Span<byte> buffer = stackalloc byte[BufferSize];
        if (!TryStatx(AtCurrentDirectory, path, AtSymlinkNoFollow, StatxType, buffer, out var errno))
        {
            // ENOENT, or ENOTDIR (a file where a folder of the path should be): nothing there.
            // Any other failure (EACCES, ELOOP) is left to the runtime's own checks to report.
            return errno is 2 or 20 ? EntryKind.Missing : null;
        }

        return (BitConverter.ToUInt16(buffer[ModeOffset..]) & TypeMask) switch
        {
            TypeLink => EntryKind.Link,
            TypeDirectory => EntryKind.Directory,
            _ => EntryKind.File,
        };
    }

    private static Status? Query(int directory, string path, int flags)
    {
        if (s_unsupported)
        {
            return null;
        }

        Span<byte> buffer = stackalloc byte[BufferSize];
        if (!TryStatx(directory, path, flags, StatxType | StatxLinks | StatxIno | StatxSize, buffer, out _))
        {
            return null;
        }

        var mask = BitConverter.ToUInt32(buffer[MaskOffset..]);
        var inode = BitConverter.ToUInt64(buffer[InodeOffset..]);
        var device = ((ulong)BitConverter.ToUInt32(buffer[DeviceOffset..]) << 32) | BitConverter.ToUInt32(buffer[(DeviceOffset + 4)..]);
        var length = (mask & StatxSize) != 0 ? (long)BitConverter.ToUInt64(buffer[SizeOffset..]) : -1;
        int? mode = (mask & StatxType) != 0 ? BitConverter.ToUInt16(buffer[ModeOffset..]) : null;
        uint? links = (mask & StatxLinks) != 0 ? BitConverter.ToUInt32(buffer[LinksOffset..]) : null;
        return new Status(device, inode, length, mode, links);
    }

    /// <summary>What one statx(2) said: the mode and the link count only when the kernel reported them.</summary>
    internal readonly record struct Status(ulong Device, ulong Inode, long Length, int? Mode, uint? Links);

    /// <summary>One statx(2) into <paramref name="buffer"/>; false with the errno when it failed (and statx is marked unsupported where it is missing).</summary>
    private static bool TryStatx(int directory, string path, int flags, uint mask, Span<byte> buffer, out int errno)
    {
        errno = 0;
        int status;
        try
        {
            status = Statx(directory, path, flags, mask, buffer);
        }
        catch (EntryPointNotFoundException)
        {
            // A C library without statx (an old glibc or musl): unknown from now on.
            s_unsupported = true;
            errno = 38;
            return false;
        }

        if (status == 0)
        {
            return true;
        }

        errno = Marshal.GetLastPInvokeError();
        if (errno == 38)
        {
            // ENOSYS: a kernel older than 4.11. Unknown from now on.
            s_unsupported = true;
        }

        return false;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, Span<byte> buffer);
}
