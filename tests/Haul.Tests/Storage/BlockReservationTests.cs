using System.Runtime.InteropServices;
using Haul.Storage;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Storage;

/// <summary>Blocks reserved ahead of a long body's writes on ext4: a step ahead, never past the body's end, the file's length untouched.</summary>
public sealed partial class BlockReservationTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void Ahead_OnExt4_ReservesAStepAheadWithinTheBodyAndLeavesTheLengthAlone()
    {
        using var temp = new TempDirectory();
        using var file = CreateIn(temp, "a.part");
        var reservation = BlockReservation.For(file, 0, 100 * MiB);
        Assert.SkipWhen(reservation is null, $"{temp.Root} is not on ext4");

        reservation.Ahead(0, 16 * 1024);
        reservation.Reserved.ShouldBe(BlockReservation.Step);
        RandomAccess.GetLength(file).ShouldBe(0);
        AllocatedBytes(file).ShouldBeGreaterThanOrEqualTo(BlockReservation.Step);

        // Reads inside what is reserved reserve nothing more.
        reservation.Ahead(MiB, 512 * 1024);
        reservation.Reserved.ShouldBe(BlockReservation.Step);

        // A read that would pass it reserves the next step from there.
        reservation.Ahead(BlockReservation.Step - 10, 512 * 1024);
        reservation.Reserved.ShouldBe(2 * BlockReservation.Step);
        AllocatedBytes(file).ShouldBeGreaterThanOrEqualTo(2 * BlockReservation.Step);
        RandomAccess.GetLength(file).ShouldBe(0);
    }

    [Fact]
    public void Ahead_NearTheAnnouncedEnd_NeverPastIt()
    {
        using var temp = new TempDirectory();
        using var file = CreateIn(temp, "b.part");
        var end = BlockReservation.Step + (3 * MiB) + 123;
        var reservation = BlockReservation.For(file, 0, end);
        Assert.SkipWhen(reservation is null, $"{temp.Root} is not on ext4");

        reservation.Ahead(0, 512 * 1024);
        reservation.Ahead(BlockReservation.Step, 512 * 1024);
        reservation.Ahead(end - 100, 512 * 1024);

        reservation.Reserved.ShouldBe(end);
        AllocatedBytes(file).ShouldBeLessThanOrEqualTo(RoundUpToPage(end));
    }

    [Fact]
    public void Ahead_ResumedBody_ReservesOnlyFromTheResumePoint()
    {
        using var temp = new TempDirectory();
        using var file = CreateIn(temp, "c.part");
        RandomAccess.Write(file, new byte[4096], 0);
        var reservation = BlockReservation.For(file, 50 * MiB, 60 * MiB);
        Assert.SkipWhen(reservation is null, $"{temp.Root} is not on ext4");

        reservation.Ahead(50 * MiB, 512 * 1024);

        reservation.Reserved.ShouldBe(60 * MiB);
        RandomAccess.GetLength(file).ShouldBe(4096);
        AllocatedBytes(file).ShouldBeInRange(10 * MiB, (10 * MiB) + (64 * 1024));
    }

    [Theory]
    [InlineData(0L, null)]
    [InlineData(0L, BlockReservation.Threshold - 1)]
    [InlineData(10 * MiB, (10 * MiB) + BlockReservation.Threshold - 1)]
    public void For_UnknownOrShortBody_Null(long offset, long? end)
    {
        using var temp = new TempDirectory();
        using var file = CreateIn(temp, "d.part");

        BlockReservation.For(file, offset, end).ShouldBeNull();
    }

    [Fact]
    public void For_OnTmpfs_Null()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && Directory.Exists("/dev/shm"), "needs /dev/shm");
        var path = Path.Combine("/dev/shm", $"haul-test-{Guid.NewGuid():N}.part");
        try
        {
            using var file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite);
            BlockReservation.For(file, 0, 100 * MiB).ShouldBeNull();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Download_ServerSendsLessThanItAnnounced_PartKeepsAtMostAStepReservedPastWhatArrived()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        using (var probe = CreateIn(temp, "probe"))
        {
            Assert.SkipWhen(BlockReservation.For(probe, 0, 100 * MiB) is null, $"{temp.Root} is not on ext4");
        }

        File.Delete(Path.Combine(temp.Out, "probe"));
        var sent = TestData.Bytes((int)(3 * MiB) + 1000, seed: 9301);
        await using var server = RawLoopbackServer.Start(_ => RawReply.Of("HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\nConnection: close", sent));

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out) with { Retries = 0 }, new(server.Url("/lie.bin")));

        result.Status.ShouldBe(DownloadStatus.Failed);
        var part = Path.Combine(temp.Out, "lie.bin.part");
        TestData.FileSha256(part).ShouldBe(TestData.Sha256(sent));
        using var file = File.OpenHandle(part, FileMode.Open, FileAccess.Read);
        AllocatedBytes(file).ShouldBeInRange(sent.Length + MiB, RoundUpToPage(sent.Length) + BlockReservation.Step + (512 * 1024));
    }

    [Fact]
    public async Task Download_LongBody_ExactBytesAndNothingReservedPastTheEnd()
    {
        using var temp = new TempDirectory();
        var content = TestData.Bytes((int)(21 * MiB) + 777, seed: 9302);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/long.bin", content);

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/long.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok);
        var path = Path.Combine(temp.Out, "long.bin");
        TestData.FileSha256(path).ShouldBe(TestData.Sha256(content));
        result.Sha256.ShouldBe(TestData.Sha256(content));
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        AllocatedBytes(file).ShouldBeLessThanOrEqualTo(RoundUpToPage(content.Length) + (64 * 1024));
    }

    private static Microsoft.Win32.SafeHandles.SafeFileHandle CreateIn(TempDirectory temp, string name)
    {
        Directory.CreateDirectory(temp.Out);
        return File.OpenHandle(Path.Combine(temp.Out, name), FileMode.CreateNew, FileAccess.ReadWrite);
    }

    private static long RoundUpToPage(long length) => (length + 4095) / 4096 * 4096;

    /// <summary>The bytes the file system has allocated to the file (statx's stx_blocks, in 512-byte units).</summary>
    private static long AllocatedBytes(Microsoft.Win32.SafeHandles.SafeFileHandle file)
    {
        const int emptyPath = 0x1000;
        const uint blocks = 0x400;
        const int blocksOffset = 48;
        var status = new byte[256];
        Statx((int)file.DangerousGetHandle(), "", emptyPath, blocks, status).ShouldBe(0);
        return BitConverter.ToInt64(status, blocksOffset) * 512;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, [Out] byte[] status);
}
