using System.Reflection;
using System.Runtime.InteropServices;
using NetVips;

namespace Haul.Datasets;

/// <summary>
/// Starts libvips the first time a picture is processed. NetVips starts it from a module
/// initializer, which a NativeAOT program runs at start-up for every command: loading the
/// 18 MB library and starting its GLib cost `haul --version` and every `haul get` about 4 ms.
/// The native build removes that initializer (NetVips.Substitutions.xml in Haul.Cli), and this
/// does its work when a data set needs it; where the initializer ran (the framework-dependent
/// build), this finds libvips started and does nothing.
/// </summary>
internal static class VipsRuntime
{
    private static readonly Lock Gate = new();
    private static nint s_library;

    /// <summary>The libvips file NetVips binds to on this system.</summary>
    internal static string LibraryName =>
        OperatingSystem.IsWindows() ? "libvips-42.dll" : OperatingSystem.IsMacOS() ? "libvips.42.dylib" : "libvips.so.42";

    /// <summary>Starts libvips once; throws <see cref="DllNotFoundException"/> when it cannot be loaded, as a call into it would.</summary>
    public static void EnsureStarted()
    {
        if (ModuleInitializer.VipsInitialized)
        {
            return;
        }

        lock (Gate)
        {
            if (ModuleInitializer.VipsInitialized)
            {
                return;
            }

            try
            {
                NativeLibrary.SetDllImportResolver(typeof(Image).Assembly, Resolve);
            }
            catch (InvalidOperationException)
            {
                // Set already: by NetVips' initializer, which ran and failed to start libvips, or by
                // an earlier start of ours that failed. The start below says why.
            }

            if (!NetVips.NetVips.Init())
            {
                throw new VipsException("the image library (libvips) did not start");
            }

            ModuleInitializer.Version = (NetVips.NetVips.Version(0, false) << 16) + (NetVips.NetVips.Version(1, false) << 8) + NetVips.NetVips.Version(2, false);
            ModuleInitializer.VipsInitialized = true;
        }
    }

    /// <summary>
    /// Where NetVips' calls go. It names its libraries as on Windows ("libvips-42.dll",
    /// "libglib-2.0-0.dll", "libgobject-2.0-0.dll"): libvips is this system's file of it, and
    /// GLib and GObject are libvips itself when it carries them (the NetVips.Native build links
    /// both in), since a system GLib loaded beside it would be a second type system that libvips'
    /// objects do not belong to. Anything else is left to the default search.
    /// </summary>
    internal static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        var isVips = libraryName.Contains("vips", StringComparison.OrdinalIgnoreCase);
        if (!isVips && !libraryName.Contains("glib", StringComparison.OrdinalIgnoreCase) && !libraryName.Contains("gobject", StringComparison.OrdinalIgnoreCase))
        {
            return 0;
        }

        var library = Volatile.Read(ref s_library);
        if (library == 0)
        {
            if (!NativeLibrary.TryLoad(LibraryName, assembly, searchPath, out library))
            {
                return 0;
            }

            Volatile.Write(ref s_library, library);
        }

        return isVips || NativeLibrary.TryGetExport(library, "g_type_from_name", out _) ? library : 0;
    }
}
