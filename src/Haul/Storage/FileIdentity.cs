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
    private const uint StatxIno = 0x100;
    private const int BufferSize = 256;

    // Offsets in struct statx: stx_ino at 32, stx_dev_major at 136, stx_dev_minor at 140.
    private const int InodeOffset = 32;
    private const int DeviceOffset = 136;

    private static volatile bool s_unsupported = !OperatingSystem.IsLinux();

    /// <summary>The identity of the entry at <paramref name="path"/> itself (a link is not followed); null when unknown or absent.</summary>
    public static (ulong Device, ulong Inode)? OfPath(string path) => Query(AtCurrentDirectory, path, AtSymlinkNoFollow);

    /// <summary>The identity of the file <paramref name="handle"/> has open; null when unknown.</summary>
    public static (ulong Device, ulong Inode)? Of(SafeFileHandle handle)
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
    public static bool StillNames(SafeFileHandle handle, string path) => Of(handle) is not { } held || OfPath(path) == held;

    private static (ulong Device, ulong Inode)? Query(int directory, string path, int flags)
    {
        if (s_unsupported)
        {
            return null;
        }

        var buffer = new byte[BufferSize];
        int status;
        try
        {
            status = Statx(directory, path, flags, StatxIno, buffer);
        }
        catch (EntryPointNotFoundException)
        {
            // A C library without statx (an old glibc or musl): unknown from now on.
            s_unsupported = true;
            return null;
        }

        if (status != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == 38)
            {
                // ENOSYS: a kernel older than 4.11. Unknown from now on.
                s_unsupported = true;
            }

            return null;
        }

        var inode = BitConverter.ToUInt64(buffer, InodeOffset);
        var device = ((ulong)BitConverter.ToUInt32(buffer, DeviceOffset) << 32) | BitConverter.ToUInt32(buffer, DeviceOffset + 4);
        return (device, inode);
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, [Out] byte[] buffer);
}
