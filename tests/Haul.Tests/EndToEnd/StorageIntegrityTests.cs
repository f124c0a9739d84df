using Haul.Errors;

namespace Haul.Tests.EndToEnd;

/// <summary>One writer per file, the reported digest is the disk's, nothing through links, unknown files checked.</summary>
public sealed class StorageIntegrityTests
{
    [Fact]
    public async Task Download_SameUrlTwiceWithTwoSlots_FetchedOnceAndRepeatSkipped()
    {
        var content = TestData.Bytes(300_000, seed: 900);
        using var temp = new TempDirectory();
        await using var server = await LoopbackServer.StartAsync();
        var repeatPlanned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Map("/twice.bin", async (context, hit) =>
        {
            if (hit == 1)
            {
                // The first transfer is held until the repeat has been planned (its result seen) or,
                // as before this was fixed, has sent a request of its own.
                await repeatPlanned.Task.WaitAsync(TimeSpan.FromSeconds(60), context.RequestAborted);
            }
            else
            {
                repeatPlanned.TrySetResult();
            }

            await server.ServeAsync(context, content);
        });

        var results = new List<DownloadResult>();
        using (var downloader = new Downloader(DownloaderHarness.Options(temp.Out) with { MaxConcurrent = 2 }))
        {
            DownloadRequest[] requests = [new(server.Url("/twice.bin")) { Line = 1 }, new(server.Url("/twice.bin")) { Line = 2 }];
            await foreach (var result in downloader.DownloadAsync(requests.ToAsyncEnumerable(), TestContext.Current.CancellationToken))
            {
                results.Add(result);
                repeatPlanned.TrySetResult();
            }
        }

        server.Hits("/twice.bin").ShouldBe(1);
        var first = results.Single(r => r.Request.Line == 1);
        var repeat = results.Single(r => r.Request.Line == 2);
        first.Status.ShouldBe(DownloadStatus.Ok);
        first.Sha256.ShouldBe(TestData.Sha256(content));
        repeat.Status.ShouldBe(DownloadStatus.Skipped);
        repeat.Note.ShouldBe("same URL as line 1");
        TestData.FileSha256(Path.Combine(temp.Out, "twice.bin")).ShouldBe(TestData.Sha256(content));
        temp.AllFiles().ShouldBe([Path.Combine("out", "twice.bin")]);
    }

    [Fact]
    public async Task Download_PartTruncatedDuringTransfer_NeverCommittedAsOk()
    {
        var content = TestData.Bytes(200_000, seed: 901);
        const int half = 100_000;
        using var temp = new TempDirectory();
        var part = Path.Combine(temp.Out, "cut.bin.part");
        var truncated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/cut.bin", async (context, _) =>
        {
            LoopbackServer.StartReply(context, content.Length, etag: null, honourRange: false);
            await server.WriteBodyAsync(context, content.AsMemory(0, half));
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await truncated.Task.WaitAsync(TimeSpan.FromSeconds(60), context.RequestAborted);
            await server.WriteBodyAsync(context, content.AsMemory(half));
        });

        var download = DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out) with { Retries = 0 }, new(server.Url("/cut.bin")));
        await Eventually.FileReachesAsync(part, half);

        // Another program (not Haul, no lock) truncates the .part behind the transfer's back; the
        // transfer's later writes bring it back to full length with a zero-filled gap.
        (await Storage.PartFileTests.RunAsync("truncate", "-s", "0", part)).ShouldBe(0);

        truncated.SetResult();
        var result = await download;

        result.Status.ShouldBe(DownloadStatus.Failed);
        result.Error!.Kind.ShouldBe(ErrorKind.Io);
        result.Error.Message.ShouldContain("changed on disk");
        File.Exists(Path.Combine(temp.Out, "cut.bin")).ShouldBeFalse();
        File.Exists(part).ShouldBeFalse();
    }

    [Theory]
    [InlineData("big.bin")]
    [InlineData("big.bin.part")]
    [InlineData("big.bin.part.meta")]
    [InlineData("big.bin.part.meta.tmp")]
    public async Task Download_SymbolicLinkAtHaulsOwnName_RefusedAndOutsideFileUnchanged(string linkName)
    {
        // Over 1 MiB, so the .part's metadata is written during the transfer.
        var content = TestData.Bytes(1_500_000, seed: 902);
        var outsideBytes = TestData.Bytes(5000, seed: 903);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/big.bin", content);
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var outside = Path.Combine(temp.Root, "outside.bin");
        await File.WriteAllBytesAsync(outside, outsideBytes, TestContext.Current.CancellationToken);
        var link = Path.Combine(temp.Out, linkName);
        File.CreateSymbolicLink(link, outside);

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/big.bin")));

        result.Status.ShouldBe(DownloadStatus.Failed);
        result.Error!.Kind.ShouldBe(ErrorKind.Scope);
        result.Error.Message.ShouldBe($"refusing to write through a symbolic link: {link}");
        result.Sha256.ShouldBeNull();
        TestData.FileSha256(outside).ShouldBe(TestData.Sha256(outsideBytes));
        new FileInfo(link).LinkTarget.ShouldBe(outside);
        File.Exists(Path.Combine(temp.Out, "big.bin")).ShouldBe(linkName == "big.bin");
    }

    [Fact]
    public async Task Download_SymbolicLinkAtFinalNameOfSmallFile_RefusedWithoutRequestAndNoPartLeft()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/small.bin", TestData.Bytes(16_384, seed: 909));
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var outsideBytes = TestData.Bytes(300, seed: 910);
        var outside = Path.Combine(temp.Root, "outside.bin");
        await File.WriteAllBytesAsync(outside, outsideBytes, TestContext.Current.CancellationToken);
        var link = Path.Combine(temp.Out, "small.bin");
        File.CreateSymbolicLink(link, outside);

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/small.bin")));

        result.Status.ShouldBe(DownloadStatus.Failed);
        result.Error!.Message.ShouldBe($"refusing to write through a symbolic link: {link}");
        server.Hits("/small.bin").ShouldBe(0);
        TestData.FileSha256(outside).ShouldBe(TestData.Sha256(outsideBytes));
        new FileInfo(link).LinkTarget.ShouldBe(outside);
        File.Exists(link + ".part").ShouldBeFalse();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public async Task Download_FifoAtPartName_RefusedAndNothingCommitted(int size)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/f.bin", TestData.Bytes(size, seed: 911));
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var part = Path.Combine(temp.Out, "f.bin.part");
        (await Storage.PartFileTests.RunAsync("mkfifo", part)).ShouldBe(0);

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out) with { Retries = 0 }, new(server.Url("/f.bin")));

        result.Status.ShouldBe(DownloadStatus.Failed);
        result.Error!.Kind.ShouldBe(ErrorKind.Scope);
        result.Error.Message.ShouldBe($"refusing to write into {part}: it is a FIFO (named pipe), not a regular file");
        server.Hits("/f.bin").ShouldBe(0);
        File.Exists(Path.Combine(temp.Out, "f.bin")).ShouldBeFalse();
        (await Storage.PartFileTests.RunAsync("test", "-p", part)).ShouldBe(0, "the FIFO is left as it was");
    }

    [Fact]
    public async Task Download_PartIsHardLinkToFileOutside_RefusedAndThatFileUntouched()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/h.bin", TestData.Bytes(40_000, seed: 912));
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var outsideBytes = TestData.Bytes(5_000, seed: 913);
        var outside = Path.Combine(temp.Root, "precious.bin");
        await File.WriteAllBytesAsync(outside, outsideBytes, TestContext.Current.CancellationToken);
        var part = Path.Combine(temp.Out, "h.bin.part");
        (await Storage.PartFileTests.RunAsync("ln", outside, part)).ShouldBe(0);

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out) with { Retries = 0 }, new(server.Url("/h.bin")));

        result.Status.ShouldBe(DownloadStatus.Failed);
        result.Error!.Kind.ShouldBe(ErrorKind.Scope);
        result.Error.Message.ShouldBe($"refusing to write into {part}: it is a file with 2 names (hard links), so writing it would change the other names too");
        server.Hits("/h.bin").ShouldBe(0);
        TestData.FileSha256(outside).ShouldBe(TestData.Sha256(outsideBytes));
        File.Exists(Path.Combine(temp.Out, "h.bin")).ShouldBeFalse();
    }

    [Fact]
    public async Task Download_HaulFolderIsSymbolicLink_RunRefusedAndNothingWrittenThere()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/a.bin", TestData.Bytes(100, seed: 904));
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var outside = Directory.CreateDirectory(Path.Combine(temp.Root, "elsewhere")).FullName;
        File.CreateSymbolicLink(Path.Combine(temp.Out, ".haul"), outside);

        var error = await Should.ThrowAsync<IOException>(() => DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/a.bin"))));

        error.Message.ShouldBe($"refusing to write through a symbolic link: {Path.Combine(temp.Out, ".haul")}");
        Directory.EnumerateFileSystemEntries(outside).ShouldBeEmpty();
        server.Hits("/a.bin").ShouldBe(0);
    }

    [Fact]
    public async Task Download_UnknownFileOfServerLength_AdoptedAfterOneRangeRequestWithoutBody()
    {
        var content = TestData.Bytes(57_919, seed: 905);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/same.bin", (context, _) =>
            LoopbackServer.TryAnswerBeyondEnd(context, content.Length) ? Task.CompletedTask : server.ServeAsync(context, content));
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var target = Path.Combine(temp.Out, "same.bin");
        await File.WriteAllBytesAsync(target, content, TestContext.Current.CancellationToken);

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/same.bin")));

        result.Status.ShouldBe(DownloadStatus.Skipped);
        result.Sha256.ShouldBe(TestData.Sha256(content));
        server.Requests.ShouldHaveSingleItem().Range.ShouldBe($"bytes={content.Length}-");
        server.BodyBytes.ShouldBe(0);
        TestData.FileSha256(target).ShouldBe(TestData.Sha256(content));
        temp.AllFiles().ShouldBe([Path.Combine("out", "same.bin")]);
    }

    [Fact]
    public async Task Download_UnknownFileAndServerSendsWholeBodyOfSameLength_AdoptedWithoutReadingIt()
    {
        var content = TestData.Bytes(2_000_000, seed: 906);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/plain.bin", (context, _) => server.ServeAsync(context, content, honourRange: false));
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var target = Path.Combine(temp.Out, "plain.bin");
        await File.WriteAllBytesAsync(target, content, TestContext.Current.CancellationToken);

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/plain.bin")));

        result.Status.ShouldBe(DownloadStatus.Skipped);
        server.Hits("/plain.bin").ShouldBe(1);
        TestData.FileSha256(target).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Download_NoClobber_KeepsUnknownFileWithoutRequest()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/keep.bin", TestData.Bytes(57_919, seed: 907));
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var mine = TestData.Bytes(8, seed: 908);
        var target = Path.Combine(temp.Out, "keep.bin");
        await File.WriteAllBytesAsync(target, mine, TestContext.Current.CancellationToken);

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out) with { NoClobber = true }, new(server.Url("/keep.bin")));

        result.Status.ShouldBe(DownloadStatus.Skipped);
        result.Note.ShouldBe("exists");
        server.Hits("/keep.bin").ShouldBe(0);
        TestData.FileSha256(target).ShouldBe(TestData.Sha256(mine));
    }

    [Fact]
    public async Task Download_PartHeldByAnotherTransferThatMakesNoProgress_SkippedWithoutWritingIt()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/held.bin", TestData.Bytes(4000, seed: 920));
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        using var holder = new Haul.Storage.PartFile(Path.Combine(temp.Out, "held.bin"));
        holder.TryClaim().ShouldBeTrue();
        using (var handle = holder.OpenForWrite(0))
        {
            RandomAccess.Write(handle, new byte[] { 7, 7, 7 }, 0);
        }

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out) with { IdleTimeout = TimeSpan.FromSeconds(1) }, new(server.Url("/held.bin")));

        result.Status.ShouldBe(DownloadStatus.Skipped);
        result.Note.ShouldBe("another process is downloading it (held.bin.part is locked)");
        server.Hits("/held.bin").ShouldBe(0);
        File.Exists(Path.Combine(temp.Out, "held.bin")).ShouldBeFalse();
        holder.ExistingLength().ShouldBe(3);
    }

    [Fact]
    public async Task Download_OtherHolderFinishesTheFileWhileWaiting_SkippedAndRecordedDoneWithoutFetch()
    {
        var content = TestData.Bytes(30_000, seed: 921);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/race.bin", (context, _) =>
            LoopbackServer.TryAnswerBeyondEnd(context, content.Length) ? Task.CompletedTask : server.ServeAsync(context, content));
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var target = Path.Combine(temp.Out, "race.bin");
        var holder = new Haul.Storage.PartFile(target);
        holder.TryClaim().ShouldBeTrue();

        var download = DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/race.bin")));

        // The holder (another process, as far as the download can tell) finishes the file, then lets go.
        using (var handle = holder.OpenForWrite(0))
        {
            RandomAccess.Write(handle, content, 0);
        }

        holder.TryCommit(target).ShouldBeTrue();
        holder.Dispose();
        var result = await download;

        result.Status.ShouldBe(DownloadStatus.Skipped);
        result.Sha256.ShouldBe(TestData.Sha256(content));
        server.BodyBytes.ShouldBe(0);
        TestData.FileSha256(target).ShouldBe(TestData.Sha256(content));
        var entry = (await JournalTests.ReadJournalAsync(temp.Out)).ShouldHaveSingleItem();
        entry.State.ShouldBe(Haul.Journal.JournalState.Done);
        entry.Sha256.ShouldBe(TestData.Sha256(content));
        temp.AllFiles().ShouldBe([Path.Combine("out", "race.bin")]);
    }
}
