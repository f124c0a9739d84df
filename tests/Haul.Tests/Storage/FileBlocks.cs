using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Haul.Tests.Storage;

/// <summary>What the file system has allocated to a file (statx's stx_blocks), reserved blocks past its end included.</summary>
public static partial class FileBlocks
{
    private const int AtCurrentDirectory = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBlocks = 0x400;
    private const int BlocksOffset = 48;

    public static long Allocated(SafeFileHandle file) => Query((int)file.DangerousGetHandle(), "", AtEmptyPath);

    public static long Allocated(string path) => Query(AtCurrentDirectory, path, 0);

    /// <summary>Skips the test unless Haul would reserve blocks for a long body written into <paramref name="directory"/> (ext4 there).</summary>
    public static void SkipUnlessReservedIn(string directory)
    {
        Directory.CreateDirectory(directory);
        var probe = Path.Combine(directory, "probe");
        try
        {
            using var file = File.OpenHandle(probe, FileMode.CreateNew, FileAccess.ReadWrite);
            Assert.SkipWhen(Haul.Storage.BlockReservation.For(file, 0, 100 * 1024 * 1024) is null, $"{directory} is not on ext4");
        }
        finally
        {
            File.Delete(probe);
        }
    }

    /// <summary><paramref name="length"/> rounded up to whole 4 KiB blocks.</summary>
    public static long RoundUpToPage(long length) => (length + 4095) / 4096 * 4096;

    private static long Query(int directory, string path, int flags)
    {
        var status = new byte[256];
        Statx(directory, path, flags, StatxBlocks, status).ShouldBe(0, $"statx of '{path}'");
        return BitConverter.ToInt64(status, BlocksOffset) * 512;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, [Out] byte[] status);
}
