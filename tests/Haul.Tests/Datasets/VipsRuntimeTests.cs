using System.Runtime.InteropServices;
using Haul.Datasets;
using NetVips;
using Shouldly;
using Xunit;

namespace Haul.Tests.Datasets;

/// <summary>How NetVips' library names are bound when haul, not NetVips' initializer, starts libvips (the native build).</summary>
public sealed class VipsRuntimeTests
{
    [Fact]
    public void Resolve_VipsAndGlibNames_AllBindToTheOneLibvipsThatCarriesGlib()
    {
        var assembly = typeof(Image).Assembly;

        var vips = VipsRuntime.Resolve("libvips-42.dll", assembly, null);
        var glib = VipsRuntime.Resolve("libglib-2.0-0.dll", assembly, null);
        var gobject = VipsRuntime.Resolve("libgobject-2.0-0.dll", assembly, null);

        vips.ShouldNotBe(0);
        NativeLibrary.TryGetExport(vips, "vips_init", out _).ShouldBeTrue();
        glib.ShouldBe(vips, "a system GLib beside libvips' own would be a second type system");
        gobject.ShouldBe(vips);
    }

    [Fact]
    public void Resolve_AnotherLibrary_LeftToTheDefaultSearch()
    {
        VipsRuntime.Resolve("libz.so.1", typeof(Image).Assembly, null).ShouldBe(0);
    }

    [Fact]
    public void EnsureStarted_Twice_LibvipsStartedWithItsVersion()
    {
        VipsRuntime.EnsureStarted();
        VipsRuntime.EnsureStarted();

        ModuleInitializer.VipsInitialized.ShouldBeTrue();
        ModuleInitializer.Version.ShouldBe((NetVips.NetVips.Version(0, false) << 16) + (NetVips.NetVips.Version(1, false) << 8) + NetVips.NetVips.Version(2, false));
    }
}
