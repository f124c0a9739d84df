using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Haul.Storage;

/// <summary>
/// An exclusive, advisory lock on an open file, held until the handle closes.
/// </summary>
/// <remarks>
/// On Unix it is flock(2), taken explicitly: the runtime's own share-mode lock is off when
/// <c>System.IO.DisableFileLocking</c> is set (the haul CLI sets it). flock belongs to the open
/// file, not to the process, so two transfers of one process conflict as two processes do; and
/// unlike a POSIX record lock it is not dropped when some other handle to the same file closes.
/// On Windows the handle was opened with <see cref="FileShare.None"/>, which is the lock: no libc there.
/// </remarks>
internal static partial class FileLock
{
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;

    /// <summary>Takes the lock without waiting: false when another open file holds it.</summary>
    public static bool TryTake(SafeFileHandle handle)
    {
        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (Flock((int)handle.DangerousGetHandle(), LockExclusive | LockNonBlocking) == 0)
            {
                return true;
            }

            var errno = Marshal.GetLastPInvokeError();

            // EWOULDBLOCK (11 on Linux, 35 on the BSDs and macOS): someone else holds it. Any other
            // error (a file system without flock) leaves the lock to the runtime's share mode.
            return errno is not (11 or 35);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int descriptor, int operation);
}
