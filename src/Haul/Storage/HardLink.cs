using System.Runtime.InteropServices;

namespace Haul.Storage;

/// <summary>Creates hard links through link(2); the base library has symbolic links only.</summary>
internal static partial class HardLink
{
    public static bool TryCreate(string existing, string link, out string? error)
    {
        if (Link(existing, link) == 0)
        {
            error = null;
            return true;
        }

        error = Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
        return false;
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string link);
}
