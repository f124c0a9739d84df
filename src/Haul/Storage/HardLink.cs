using System.Runtime.InteropServices;

namespace Haul.Storage;

/// <summary>
/// Creates hard links, which the base library does not: link(2) on Unix, CreateHardLinkW on
/// Windows. Elsewhere there are none, and the caller falls back (names the first copy).
/// </summary>
internal static partial class HardLink
{
    public static bool TryCreate(string existing, string link, out string? error)
    {
        if (OperatingSystem.IsWindows())
        {
            if (CreateHardLink(link, existing, IntPtr.Zero))
            {
                error = null;
                return true;
            }
        }
        else if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            // link(2) does not follow a link at either name: a link is refused before this is called.
            if (Link(existing, link) == 0)
            {
                error = null;
                return true;
            }
        }
        else
        {
            error = "hard links are not available on this system";
            return false;
        }

        error = Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
        return false;
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string link);

    [LibraryImport("kernel32", EntryPoint = "CreateHardLinkW", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CreateHardLink(string link, string existing, IntPtr securityAttributes);
}
