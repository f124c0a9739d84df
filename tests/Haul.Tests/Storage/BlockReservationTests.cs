using Haul.Errors;
using Haul.Storage;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Storage;

/// <summary>Blocks reserved ahead of a long body's writes on ext4: as far ahead as the body has come (a step at most), never past its end, the file's length untouched, given back when the body ends short.</summary>
public sealed class BlockReservationTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void Ahead_BeforeAMebibyteArrived_NothingReserved()
    {
        using var temp = new TempDirectory();
        using var file = CreateIn(temp, "a.part");
        var reservation = BlockReservation.For(file, 0, 100 * MiB);
        Assert.SkipWhen(reservation is null, $"{temp.Root} is not on ext4");

        reservation.Ahead(0, 512 * 1024);
        reservation.Ahead(BlockReservation.Threshold - 1, 512 * 1024);

        reservation.Reserved.ShouldBe(0);
        FileBlocks.Allocated(file).ShouldBe(0);
    }

    [Fact]
    public void Ahead_AfterBytesArrived_AsFarAheadAsTheyCameAndAStepAtMost()
    {
        using var temp = new TempDirectory();
        using var file = CreateIn(temp, "b.part");
        var reservation = BlockReservation.For(file, 0, 200 * MiB);
        Assert.SkipWhen(reservation is null, $"{temp.Root} is not on ext4");

        // 1 MiB arrived: reserved 1 MiB past the received bytes.
        reservation.Ahead(MiB, 512 * 1024);
        reservation.Reserved.ShouldBe(2 * MiB);
        FileBlocks.Allocated(file).ShouldBeInRange(MiB, MiB + (64 * 1024));
        RandomAccess.GetLength(file).ShouldBe(0);

        // A read that stays inside what is reserved reserves nothing more.
        reservation.Ahead(MiB + (512 * 1024), 512 * 1024);
        reservation.Reserved.ShouldBe(2 * MiB);

        // One that would pass it: as far past its start as has arrived.
        reservation.Ahead((2 * MiB) - 10, 512 * 1024);
        reservation.Reserved.ShouldBe((4 * MiB) - 20);

        // Far along, a step at most.
        reservation.Ahead(100 * MiB, 512 * 1024);
        reservation.Reserved.ShouldBe((100 * MiB) + BlockReservation.Step);
        RandomAccess.GetLength(file).ShouldBe(0);
    }

    [Fact]
    public void Ahead_NearTheAnnouncedEnd_NeverPastIt()
    {
        using var temp = new TempDirectory();
        using var file = CreateIn(temp, "c.part");
        var end = (20 * MiB) + 123;
        var reservation = BlockReservation.For(file, 0, end);
        Assert.SkipWhen(reservation is null, $"{temp.Root} is not on ext4");

        reservation.Ahead(10 * MiB, 512 * 1024);
        reservation.Ahead(end - 100, 512 * 1024);

        reservation.Reserved.ShouldBe(end);
        FileBlocks.Allocated(file).ShouldBeLessThanOrEqualTo(FileBlocks.RoundUpToPage(end - (10 * MiB)));
    }

    [Fact]
    public void Ahead_ResumedBody_CountsAndReservesFromTheResumePoint()
    {
        using var temp = new TempDirectory();
        using var file = CreateIn(temp, "d.part");
        RandomAccess.Write(file, new byte[4096], 0);
        var reservation = BlockReservation.For(file, 50 * MiB, 60 * MiB);
        Assert.SkipWhen(reservation is null, $"{temp.Root} is not on ext4");

        reservation.Ahead(50 * MiB, 512 * 1024);
        reservation.Reserved.ShouldBe(50 * MiB);

        reservation.Ahead(51 * MiB, 512 * 1024);
        reservation.Reserved.ShouldBe(52 * MiB);
        RandomAccess.GetLength(file).ShouldBe(4096);
        FileBlocks.Allocated(file).ShouldBeInRange(MiB, MiB + (64 * 1024));
    }

    [Fact]
    public void Ahead_ABodyOfExactlyTheThreshold_NoEmptyCallNoRefusal()
    {
        using var temp = new TempDirectory();
        using var file = CreateIn(temp, "f.part");
        var reservation = BlockReservation.For(file, 0, BlockReservation.Threshold + 1000);
        Assert.SkipWhen(reservation is null, $"{temp.Root} is not on ext4");

        // At the end already: nothing to reserve, and nothing refused.
        reservation.Ahead(BlockReservation.Threshold + 1000, 512 * 1024);
        reservation.Reserved.ShouldBe(0);

        reservation.Ahead(BlockReservation.Threshold, 512 * 1024);
        reservation.Reserved.ShouldBe(BlockReservation.Threshold + 1000);
    }

    [Fact]
    public void GiveBack_AnEarlierRunsReservation_FreedThoughThisBodyReservedNothing()
    {
        using var temp = new TempDirectory();
        using var file = CreateIn(temp, "g.part");
        var written = TestData.Bytes((int)(3 * MiB), seed: 9305);
        RandomAccess.Write(file, written, 0);
        var earlier = BlockReservation.For(file, 0, 100 * MiB);
        Assert.SkipWhen(earlier is null, $"{temp.Root} is not on ext4");
        earlier.Ahead(written.Length, 512 * 1024);
        FileBlocks.Allocated(file).ShouldBeGreaterThan(written.Length + MiB);

        // The next run resumes from the end and ends short before reserving anything itself.
        var resumed = BlockReservation.For(file, written.Length, 100 * MiB)!;
        resumed.GiveBack();

        FileBlocks.Allocated(file).ShouldBeLessThanOrEqualTo(written.Length + (64 * 1024));
        RandomAccess.GetLength(file).ShouldBe(written.Length);
    }

    [Fact]
    public void GiveBack_AfterAReservation_BlocksPastTheEndFreedBytesKept()
    {
        using var temp = new TempDirectory();
        using var file = CreateIn(temp, "e.part");
        var written = TestData.Bytes((int)(2 * MiB) + 10, seed: 9300);
        RandomAccess.Write(file, written, 0);
        var reservation = BlockReservation.For(file, 0, 100 * MiB);
        Assert.SkipWhen(reservation is null, $"{temp.Root} is not on ext4");
        reservation.Ahead(written.Length, 512 * 1024);
        FileBlocks.Allocated(file).ShouldBeGreaterThan(FileBlocks.RoundUpToPage(written.Length) + MiB);

        reservation.GiveBack();

        FileBlocks.Allocated(file).ShouldBeLessThanOrEqualTo(FileBlocks.RoundUpToPage(written.Length) + (64 * 1024));
        RandomAccess.GetLength(file).ShouldBe(written.Length);
        reservation.Reserved.ShouldBe(written.Length);
        file.Dispose();
        TestData.FileSha256(Path.Combine(temp.Out, "e.part")).ShouldBe(TestData.Sha256(written));
    }

    [Theory]
    [InlineData(0L, null)]
    [InlineData(0L, BlockReservation.Threshold - 1)]
    [InlineData(10 * MiB, (10 * MiB) + BlockReservation.Threshold - 1)]
    public void For_UnknownOrShortBody_Null(long offset, long? end)
    {
        using var temp = new TempDirectory();
        using var file = CreateIn(temp, "d.part");
        Assert.SkipWhen(BlockReservation.For(file, 0, 100 * MiB) is null, $"{temp.Root} is not on ext4: nothing would be reserved anyway");

        BlockReservation.For(file, offset, end).ShouldBeNull();
    }

    [Fact]
    public void For_OnTmpfs_Null()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && Directory.Exists("/dev/shm") && new DriveInfo("/dev/shm").DriveFormat == "tmpfs", "needs /dev/shm on tmpfs");
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
    public async Task Download_ServerStallsShortOfItsLength_ReservedAsFarAsItSentThenGivenBack()
    {
        using var temp = new TempDirectory();
        FileBlocks.SkipUnlessReservedIn(temp.Out);
        var sent = TestData.Bytes((int)(3 * MiB), seed: 9301);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync();
        MapStall(server, "/lie.bin", sent, release.Task);
        var part = Path.Combine(temp.Out, "lie.bin.part");

        var download = DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out) with { Retries = 0 }, new(server.Url("/lie.bin")));
        await Eventually.TrueAsync(
            () => File.Exists(part) && new FileInfo(part).Length == sent.Length && FileBlocks.Allocated(part) > sent.Length,
            "the .part to hold every byte sent and blocks reserved past them");
        var whileStalled = FileBlocks.Allocated(part);
        release.SetResult();
        var result = await download;

        // Reserved no further past the received bytes than what had arrived.
        whileStalled.ShouldBeLessThanOrEqualTo((2L * sent.Length) + (64 * 1024));
        result.Status.ShouldBe(DownloadStatus.Failed);
        TestData.FileSha256(part).ShouldBe(TestData.Sha256(sent));
        FileBlocks.Allocated(part).ShouldBeLessThanOrEqualTo(FileBlocks.RoundUpToPage(sent.Length) + (64 * 1024));
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
        FileBlocks.Allocated(file).ShouldBeLessThanOrEqualTo(FileBlocks.RoundUpToPage(content.Length) + (64 * 1024));
    }

    [Fact]
    public async Task Download_DiskFillsUp_StorageErrorPartHoldsThePrefixAndNothingReservedPastIt()
    {
        // A real ext4 of 48 MiB (about 37 free), mounted from a file: needs root and a loop device.
        using var temp = new TempDirectory();
        await using var disk = await SmallExt4.MountAsync(temp.Root, 48);
        Assert.SkipWhen(disk is null, "cannot make and mount a small ext4 here (needs root, mkfs.ext4 and a loop device)");
        var content = TestData.Bytes((int)(60 * MiB), seed: 9303);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/big.bin", content);
        var directory = Path.Combine(disk.Path, "out");

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(directory) with { Retries = 0, UseJournal = false }, new(server.Url("/big.bin")));

        result.Status.ShouldBe(DownloadStatus.Failed);
        result.Error.ShouldBeOfType<StorageException>().Message.ShouldContain("big.bin.part");
        File.Exists(Path.Combine(directory, "big.bin")).ShouldBeFalse();
        var part = Path.Combine(directory, "big.bin.part");
        var kept = File.ReadAllBytes(part);
        kept.Length.ShouldBeGreaterThan((int)(16 * MiB));
        kept.AsSpan().SequenceEqual(content.AsSpan(0, kept.Length)).ShouldBeTrue();
        FileBlocks.Allocated(part).ShouldBeLessThanOrEqualTo(FileBlocks.RoundUpToPage(kept.Length) + (64 * 1024));
    }

    [Fact]
    public async Task Download_FileSystemNearlyFull_ReservationsStopAndGiveBackWithTheKeptFreeSpaceLeft()
    {
        using var temp = new TempDirectory();
        await using var disk = await SmallExt4.MountAsync(temp.Root, 160);
        Assert.SkipWhen(disk is null, "cannot make and mount a small ext4 here (needs root, mkfs.ext4 and a loop device)");

        // Enough to take the free space 4 MiB below what reservations leave alone, then a stall.
        var free = new DriveInfo(disk.Path).AvailableFreeSpace;
        var sent = TestData.Bytes((int)(free - BlockReservation.KeptFree + (4 * MiB)) / 4096 * 4096, seed: 9306);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync();
        MapStall(server, "/fill.bin", sent, release.Task);
        var directory = Path.Combine(disk.Path, "out");
        var part = Path.Combine(directory, "fill.bin.part");

        var download = DownloaderHarness.RunOneAsync(DownloaderHarness.Options(directory) with { Retries = 0, UseJournal = false }, new(server.Url("/fill.bin")));
        await Eventually.FileReachesAsync(part, sent.Length);
        var whileStalled = FileBlocks.Allocated(part);
        release.SetResult();
        var result = await download;

        // Had reservations gone on, a step would lie past the received bytes; they stopped and gave it back.
        whileStalled.ShouldBeLessThanOrEqualTo(sent.Length + (64 * 1024));
        result.Status.ShouldBe(DownloadStatus.Failed);
        TestData.FileSha256(part).ShouldBe(TestData.Sha256(sent));
    }

    /// <summary>A route that announces a gigabyte, sends <paramref name="sent"/>, then nothing until <paramref name="release"/> completes, and drops the connection.</summary>
    private static void MapStall(LoopbackServer server, string path, byte[] sent, Task release) =>
        server.Map(path, async (context, _) =>
        {
            context.Response.ContentLength = 1L << 30;
            await context.Response.Body.WriteAsync(sent, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await release.WaitAsync(context.RequestAborted);
            context.Abort();
        });

    private static Microsoft.Win32.SafeHandles.SafeFileHandle CreateIn(TempDirectory temp, string name)
    {
        Directory.CreateDirectory(temp.Out);
        return File.OpenHandle(Path.Combine(temp.Out, name), FileMode.CreateNew, FileAccess.ReadWrite);
    }

    /// <summary>A small ext4 file system in an image file, mounted through a loop device, unmounted when disposed.</summary>
    private sealed class SmallExt4 : IAsyncDisposable
    {
        private SmallExt4(string path) => Path = path;

        public string Path { get; }

        /// <summary>Makes and mounts one of <paramref name="mebibytes"/> MiB under <paramref name="root"/>; null where that cannot be done.</summary>
        public static async Task<SmallExt4?> MountAsync(string root, int mebibytes)
        {
            if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
            {
                return null;
            }

            var image = System.IO.Path.Combine(root, "disk.img");
            var mountPoint = System.IO.Path.Combine(root, "disk");
            Directory.CreateDirectory(mountPoint);
            await using (var file = new FileStream(image, FileMode.CreateNew))
            {
                file.SetLength(mebibytes * MiB);
            }

            return await RunAsync("mkfs.ext4", "-q", "-F", image) && await RunAsync("mount", "-o", "loop", image, mountPoint)
                ? new SmallExt4(mountPoint)
                : null;
        }

        public async ValueTask DisposeAsync()
        {
            // Not cancellable: a test stopped half-way must still leave nothing mounted.
            if (!await RunAsync(CancellationToken.None, "umount", Path))
            {
                await RunAsync(CancellationToken.None, "umount", "-l", Path);
            }
        }

        private static Task<bool> RunAsync(string program, params string[] arguments) =>
            RunAsync(TestContext.Current.CancellationToken, program, arguments);

        private static async Task<bool> RunAsync(CancellationToken cancellationToken, string program, params string[] arguments)
        {
            var start = new System.Diagnostics.ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            try
            {
                using var process = System.Diagnostics.Process.Start(start)!;
                await process.WaitForExitAsync(cancellationToken);
                return process.ExitCode == 0;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return false;
            }
        }
    }
}
