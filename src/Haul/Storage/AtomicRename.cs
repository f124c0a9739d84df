using System.Runtime.InteropServices;

namespace Haul.Storage;

/// <summary>
/// Renames a file without ever replacing one: renameat2(2) with RENAME_NOREPLACE does the check and
/// the rename as one step, where <see cref="File.Move(string, string, bool)"/> looks first and
/// renames after (two more system calls, and a window for a file to appear in between).
/// </summary>
internal static partial class AtomicRename
{
    private const int AtCurrentDirectory = -100;
    private const uint NoReplace = 1;
    private const int AlreadyExists = 17; // EEXIST
    private static volatile bool s_unsupported = !OperatingSystem.IsLinux();

    /// <summary>Moves <paramref name="source"/> to <paramref name="destination"/>; false when something is already there.</summary>
    public static bool TryMoveNoReplace(string source, string destination)
    {
        if (!s_unsupported)
        {
            if (RenameAt2(AtCurrentDirectory, source, AtCurrentDirectory, destination, NoReplace) == 0)
            {
                return true;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == AlreadyExists)
            {
                return false;
            }

            // ENOSYS (an old kernel) or EINVAL (a file system without the flag): fall back for good.
            if (errno is not (38 or 22))
            {
                throw new IOException($"Cannot rename '{source}' to '{destination}': {Marshal.GetPInvokeErrorMessage(errno)}.", errno);
            }

            s_unsupported = true;
        }

        try
        {
            File.Move(source, destination, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(destination))
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt2(int oldDirectory, string oldPath, int newDirectory, string newPath, uint flags);
}
